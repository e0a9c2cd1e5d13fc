namespace PxePowerShell.Engine.Services;

/// <summary>The life cycle of a server.</summary>
public enum PxeServerState
{
    /// <summary>Created, not started.</summary>
    Created,

    /// <summary>Listening and serving.</summary>
    Running,

    /// <summary>Shutting down.</summary>
    Stopping,

    /// <summary>Stopped.</summary>
    Stopped,

    /// <summary>Stopped by an error.</summary>
    Faulted,
}
