namespace PxePowerShell.Engine.Iso;

/// <summary>A contiguous run of bytes inside the image file that holds part of a file's content.</summary>
/// <param name="Offset">Byte offset of the run inside the image file.</param>
/// <param name="Length">Number of bytes in the run.</param>
public readonly record struct IsoExtent(long Offset, long Length);
