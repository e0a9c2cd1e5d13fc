namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>The UDF name space of an image (UDF 1.02–2.60).</summary>
public sealed class UdfFileSystem : IIsoFileSystem
{
    private UdfFileSystem()
    {
    }

    /// <inheritdoc />
    public string Name => "UDF";

    /// <inheritdoc />
    public string VolumeLabel => string.Empty;

    /// <inheritdoc />
    public IsoEntry Root => throw new NotSupportedException("UDF is not read yet.");

    /// <summary>Reads the UDF structures of <paramref name="image"/>; null when the image has no UDF volume recognition sequence.</summary>
    /// <exception cref="IsoFormatException">The image says it holds UDF but its structures are corrupt.</exception>
    public static UdfFileSystem? TryOpen(IsoImageFile image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<IsoEntry> List(IsoEntry directory) => throw new NotSupportedException("UDF is not read yet.");
}
