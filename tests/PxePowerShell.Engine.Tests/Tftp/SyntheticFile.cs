using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>An in-memory IBootFile whose byte i is a function of i (or given content).</summary>
internal sealed class SyntheticFile : IBootFile
{
    private readonly byte[]? _content;

    public SyntheticFile(long length) => Length = length;

    public SyntheticFile(byte[] content)
    {
        _content = content;
        Length = content.Length;
    }

    public static byte ByteAt(long i) => (byte)((i * 31) ^ (i >> 9));

    public long Length { get; }

    public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;

    public PhysicalExtent? Physical => null;

    public bool Disposed { get; private set; }

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, Length - offset);
        if (_content is not null)
        {
            _content.AsSpan((int)offset, n).CopyTo(buffer);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                buffer[i] = ByteAt(offset + i);
            }
        }

        return n;
    }

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(offset, buffer.Span));

    public void Dispose() => Disposed = true;
}
