namespace PxePowerShell.Engine.Files;

/// <summary>An in-memory boot file (generated content): positional reads over an immutable byte array.</summary>
internal sealed class GeneratedBootFile : IBootFile
{
    private readonly byte[] _content;

    /// <summary>Wraps <paramref name="content"/> (not copied; must not change afterwards).</summary>
    public GeneratedBootFile(byte[] content, DateTimeOffset lastModified)
    {
        _content = content ?? throw new ArgumentNullException(nameof(content));
        LastModified = lastModified;
    }

    /// <inheritdoc />
    public long Length => _content.Length;

    /// <inheritdoc />
    public DateTimeOffset LastModified { get; }

    /// <inheritdoc />
    public PhysicalExtent? Physical => null;

    /// <inheritdoc />
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        if (offset >= _content.Length)
        {
            return 0;
        }

        int count = (int)Math.Min(buffer.Length, _content.Length - offset);
        _content.AsSpan((int)offset, count).CopyTo(buffer);
        return count;
    }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(offset, buffer.Span));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
