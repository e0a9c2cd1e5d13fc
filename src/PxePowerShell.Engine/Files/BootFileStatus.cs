namespace PxePowerShell.Engine.Files;

/// <summary>The outcome of resolving a path in a boot namespace.</summary>
public enum BootFileStatus
{
    /// <summary>The file was opened.</summary>
    Ok,

    /// <summary>No such file.</summary>
    NotFound,

    /// <summary>The path is refused (outside the root, unsafe, not readable).</summary>
    AccessDenied,

    /// <summary>The path names a directory.</summary>
    IsDirectory,

    /// <summary>The file exists and may not be replaced.</summary>
    AlreadyExists,
}
