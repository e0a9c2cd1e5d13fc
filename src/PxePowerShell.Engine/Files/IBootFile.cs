namespace PxePowerShell.Engine.Files;

/// <summary>
/// An open file in a boot namespace. Reads are positional and safe to issue from many
/// transfers at once; no read position is shared.
/// </summary>
public interface IBootFile : IDisposable
{
    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>When the file last changed (for HTTP Last-Modified / ETag).</summary>
    DateTimeOffset LastModified { get; }

    /// <summary>
    /// Where the bytes live on disk, for zero-copy sends: the host file and the offset of byte 0
    /// inside it. Null for generated content.
    /// </summary>
    PhysicalExtent? Physical { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns 0 at the end.</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns 0 at the end.</summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);
}

/// <summary>A contiguous run of a host file that holds a boot file's bytes.</summary>
/// <param name="HostPath">The file on disk.</param>
/// <param name="Offset">Offset of the boot file's first byte in the host file.</param>
public sealed record PhysicalExtent(string HostPath, long Offset);
