namespace PxePowerShell.Engine;

/// <summary>
/// What kind of failure a <see cref="PxeException"/> is, in the engine's own terms; the module maps each value to
/// PowerShell's ErrorCategory in one place.
/// </summary>
public enum PxeErrorCategory
{
    /// <summary>None of the others.</summary>
    NotSpecified,

    /// <summary>A value given by the caller is wrong (a parameter, a setting, a name).</summary>
    InvalidArgument,

    /// <summary>Data read from a file, an image or the network is malformed.</summary>
    InvalidData,

    /// <summary>The operation does not fit the current state.</summary>
    InvalidOperation,

    /// <summary>Something named does not exist.</summary>
    ObjectNotFound,

    /// <summary>Something of that name or place exists already.</summary>
    ResourceExists,

    /// <summary>Something is held by another user (a port, a data directory).</summary>
    ResourceBusy,

    /// <summary>Something needed is not there or not reachable (a missing native library, a database that is down).</summary>
    ResourceUnavailable,

    /// <summary>The process lacks a privilege.</summary>
    PermissionDenied,

    /// <summary>Something could not be opened or started.</summary>
    OpenError,

    /// <summary>Something could not be read.</summary>
    ReadError,

    /// <summary>Something could not be written.</summary>
    WriteError,

    /// <summary>An operation did not finish in time.</summary>
    OperationTimeout,
}
