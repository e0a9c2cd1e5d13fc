using PxePowerShell.Engine.Files;

namespace PxePowerShell.Fuzz;

/// <summary>A boot file of deterministic bytes held in memory.</summary>
internal sealed class MemoryBootFile : IBootFile
{
    private readonly byte[] _bytes;

    public MemoryBootFile(int length)
    {
        _bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            _bytes[i] = (byte)i;
        }
    }

    public long Length => _bytes.Length;

    public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;

    public PhysicalExtent? Physical => null;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= _bytes.Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, _bytes.Length - offset);
        _bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(offset, buffer.Span));

    public void Dispose()
    {
    }
}
