using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// An ISO image mounted in a <see cref="BootNamespace"/>: TFTP and HTTP serve its files straight from the image. Paths
/// have already passed the one sanitizer (<see cref="BootPath"/>); symbolic links resolve inside the image only.
/// </summary>
public sealed class IsoFileSource : IBootFileSource, IDisposable
{
    /// <summary>Serves <paramref name="image"/>; the source owns it and closes it on Dispose.</summary>
    public IsoFileSource(IsoImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image = image;
    }

    /// <summary>The image served.</summary>
    public IsoImage Image { get; }

    /// <inheritdoc />
    public string Description => $"iso {Image.Path}";

    /// <inheritdoc />
    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IsoEntry? entry;
        try
        {
            entry = path.IsRoot ? Image.FileSystem.Root : Image.Find(path.Value);
        }
        catch (IsoFormatException ex)
        {
            return ValueTask.FromResult(BootFileResult.Denied($"the image is damaged here: {ex.Message}"));
        }

        return ValueTask.FromResult(entry switch
        {
            null => BootFileResult.NotFound(),
            { IsDirectory: true } => new BootFileResult(BootFileStatus.IsDirectory, null, "the path is a directory"),
            { Kind: IsoEntryKind.Symlink } => BootFileResult.NotFound("the symbolic link leads nowhere in the image"),
            _ => BootFileResult.Opened(Image.OpenFile(entry)),
        });
    }

    /// <inheritdoc />
    public void Dispose() => Image.Dispose();
}
