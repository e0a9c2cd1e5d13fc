using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// A file inside an ISO image, read positionally across its extents straight from the image: no copy, no whole-file
/// buffer, safe for many concurrent readers. A one-extent file names its place in the image for zero-copy sends.
/// </summary>
public sealed class IsoBootFile : IBootFile
{
    private readonly IsoImageFile _image;
    private readonly IsoExtent[] _extents;
    private Action? _release;

    /// <summary>Creates a reader over <paramref name="entry"/>'s extents in <paramref name="image"/>.</summary>
    /// <param name="image">The image.</param>
    /// <param name="entry">The file.</param>
    /// <param name="release">Called once when this file is disposed (the image's reference count).</param>
    public IsoBootFile(IsoImageFile image, IsoEntry entry, Action? release = null)
    {
        _release = release;
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(entry);
        _image = image;
        _extents = [.. entry.Extents];
        Length = entry.Length;
        LastModified = entry.Modified == DateTimeOffset.UnixEpoch ? image.LastModified : entry.Modified;
        Physical = _extents.Length == 1 ? new PhysicalExtent(image.Path, _extents[0].Offset) : null;
    }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public DateTimeOffset LastModified { get; }

    /// <inheritdoc />
    public PhysicalExtent? Physical { get; }

    /// <inheritdoc />
    public int Read(long offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length && Locate(offset + done, out long at, out long left))
        {
            int n = _image.Read(at, buffer.Slice(done, (int)Math.Min(buffer.Length - done, left)));
            if (n == 0)
            {
                break;
            }

            done += n;
        }

        return done;
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int done = 0;
        while (done < buffer.Length && Locate(offset + done, out long at, out long left))
        {
            int n = await _image.ReadAsync(at, buffer.Slice(done, (int)Math.Min(buffer.Length - done, left)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            done += n;
        }

        return done;
    }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();

    /// <summary>Where file offset <paramref name="offset"/> lies in the image and how many bytes follow in its extent.</summary>
    private bool Locate(long offset, out long imageOffset, out long left)
    {
        long start = 0;
        foreach (var extent in _extents)
        {
            if (offset < start + extent.Length)
            {
                imageOffset = extent.Offset + (offset - start);
                left = extent.Length - (offset - start);
                return offset >= 0;
            }

            start += extent.Length;
        }

        imageOffset = 0;
        left = 0;
        return false;
    }
}
