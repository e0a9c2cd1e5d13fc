namespace PxePowerShell.Engine.Http;

/// <summary>A satisfiable byte range of a representation: <see cref="Length"/> bytes from <see cref="Start"/>.</summary>
/// <param name="Start">Offset of the first byte.</param>
/// <param name="Length">Number of bytes (at least 1).</param>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>Offset of the last byte.</summary>
    public long End => Start + Length - 1;
}
