using Microsoft.Win32.SafeHandles;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// The image file, opened once and read positionally from any number of threads. Every read is bounds-checked: a
/// structure that points past the end of the image is an <see cref="IsoFormatException"/>, never a short read taken as data.
/// </summary>
public sealed class IsoImageFile : IDisposable
{
    /// <summary>The logical sector size of ISO 9660 and UDF on optical media.</summary>
    public const int SectorSize = 2048;

    private readonly SafeFileHandle _handle;

    private IsoImageFile(string path, SafeFileHandle handle, long length, DateTimeOffset lastModified)
    {
        Path = path;
        _handle = handle;
        Length = length;
        LastModified = lastModified;
    }

    /// <summary>The image's full path on the host.</summary>
    public string Path { get; }

    /// <summary>The image's length in bytes.</summary>
    public long Length { get; }

    /// <summary>When the image file last changed.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>Opens <paramref name="path"/> read-only, shared for reading.</summary>
    public static IsoImageFile Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        try
        {
            return new IsoImageFile(full, handle, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(full));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads exactly <c>buffer.Length</c> bytes at <paramref name="offset"/>; <paramref name="structure"/> names what is read, for errors.</summary>
    public void ReadExactly(long offset, Span<byte> buffer, string structure)
    {
        if (offset < 0 || offset > Length || buffer.Length > Length - offset)
        {
            throw new IsoFormatException(structure, $"lies at bytes {offset}..{offset + buffer.Length} but the image is only {Length} bytes long (truncated image?)");
        }

        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (n == 0)
            {
                throw new IsoFormatException(structure, $"the image ended at byte {offset + done} while reading it");
            }

            done += n;
        }
    }

    /// <summary>Reads logical sector <paramref name="lba"/> (2048 bytes) into <paramref name="buffer"/>.</summary>
    public void ReadSector(long lba, Span<byte> buffer, string structure) =>
        ReadExactly(checked(lba * SectorSize), buffer[..SectorSize], structure);

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/> for file content; returns 0 at or past the end.</summary>
    public int Read(long offset, Span<byte> buffer) =>
        offset >= Length ? 0 : RandomAccess.Read(_handle, buffer[..(int)Math.Min(buffer.Length, Length - offset)], offset);

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/> for file content; returns 0 at or past the end.</summary>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        offset >= Length ? ValueTask.FromResult(0) : RandomAccess.ReadAsync(_handle, buffer[..(int)Math.Min(buffer.Length, Length - offset)], offset, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
