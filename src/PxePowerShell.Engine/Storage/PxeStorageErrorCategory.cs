namespace PxePowerShell.Engine.Storage;

/// <summary>What kind of storage failure a <see cref="PxeStorageException"/> is; the names are those of PowerShell's ErrorCategory the cmdlets report.</summary>
public enum PxeStorageErrorCategory
{
    /// <summary>The stored data could not be read.</summary>
    ReadError,

    /// <summary>A change could not be stored.</summary>
    WriteError,

    /// <summary>The storage is not there or not reachable (a missing native library, a database that is down).</summary>
    ResourceUnavailable,

    /// <summary>The stored data is not valid (a corrupt file, a schema from a newer version).</summary>
    InvalidData,

    /// <summary>The process may not use the storage.</summary>
    PermissionDenied,

    /// <summary>Another server holds the storage (an embedded lease journal admits one server at a time).</summary>
    ResourceBusy,
}
