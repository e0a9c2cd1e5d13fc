namespace PxePowerShell.Engine.Iso;

/// <summary>
/// A file, directory or symbolic link inside an image, as one file system (ISO 9660, Joliet, Rock Ridge, UDF) names it.
/// Directories are listed with <see cref="IIsoFileSystem.List"/>; file content lies in <see cref="Extents"/>, in order.
/// </summary>
/// <param name="Name">The name in this file system's name space (no version suffix such as ";1").</param>
/// <param name="Kind">File, directory or symbolic link.</param>
/// <param name="Length">The content length in bytes (sum of <see cref="Extents"/> for files).</param>
/// <param name="Extents">Where the content lies in the image, in file order; empty for empty files.</param>
/// <param name="Modified">The recorded modification time.</param>
/// <param name="SymlinkTarget">The link target for symbolic links (Rock Ridge SL, UDF symlinks), else null.</param>
/// <param name="UnixMode">POSIX permission bits when the file system records them (Rock Ridge PX, UDF permissions), else null.</param>
public sealed record IsoEntry(
    string Name,
    IsoEntryKind Kind,
    long Length,
    IReadOnlyList<IsoExtent> Extents,
    DateTimeOffset Modified,
    string? SymlinkTarget = null,
    int? UnixMode = null)
{
    /// <summary>True for directories.</summary>
    public bool IsDirectory => Kind == IsoEntryKind.Directory;
}
