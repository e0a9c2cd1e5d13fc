namespace PxePowerShell.Engine.Iso;

/// <summary>A file, directory or link inside a mounted image, as Get-PxeIsoItem lists it.</summary>
/// <param name="MountPoint">The mount point of the image.</param>
/// <param name="Path">The path inside the image ('/'-separated, no leading '/').</param>
/// <param name="Name">The last path segment.</param>
/// <param name="Kind">File, directory or link.</param>
/// <param name="Length">The length in bytes (0 for directories and links).</param>
/// <param name="Modified">The recorded modification time.</param>
/// <param name="SymlinkTarget">A link's target.</param>
/// <param name="UnixMode">POSIX permission bits when the image records them.</param>
public sealed record IsoItem(string MountPoint, string Path, string Name, IsoEntryKind Kind, long Length, DateTimeOffset Modified, string? SymlinkTarget, int? UnixMode)
{
    /// <summary>The path in the boot namespace (mount point + path), as TFTP and HTTP clients ask for it.</summary>
    public string NamespacePath => Path.Length == 0 ? MountPoint : $"{MountPoint}/{Path}";

    /// <summary>The item for <paramref name="entry"/> at <paramref name="path"/>.</summary>
    public static IsoItem From(string mountPoint, string path, IsoEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new IsoItem(mountPoint, path, entry.Name, entry.Kind, entry.IsDirectory ? 0 : entry.Length, entry.Modified, entry.SymlinkTarget, entry.UnixMode);
    }
}
