namespace PxePowerShell.Engine.Iso;

/// <summary>What an <see cref="IsoEntry"/> is.</summary>
public enum IsoEntryKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (<see cref="IsoEntry.SymlinkTarget"/> names its target).</summary>
    Symlink,
}
