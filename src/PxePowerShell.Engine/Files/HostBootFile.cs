using Microsoft.Win32.SafeHandles;

namespace PxePowerShell.Engine.Files;

/// <summary>A file of the host's file system, open for positional reads (thread-safe; sendfile-friendly through <see cref="Physical"/>).</summary>
internal sealed class HostBootFile(SafeFileHandle handle, string hostPath, DateTime lastWriteUtc) : IBootFile
{
    public long Length { get; } = RandomAccess.GetLength(handle);

    public DateTimeOffset LastModified { get; } = new(lastWriteUtc, TimeSpan.Zero);

    public PhysicalExtent? Physical { get; } = new(hostPath, 0);

    public int Read(long offset, Span<byte> buffer) => offset >= Length ? 0 : RandomAccess.Read(handle, buffer, offset);

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        offset >= Length ? ValueTask.FromResult(0) : RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

    public void Dispose() => handle.Dispose();
}
