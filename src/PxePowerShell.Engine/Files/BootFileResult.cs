namespace PxePowerShell.Engine.Files;

/// <summary>The result of opening a path: a status, the file when it opened, and a reason otherwise.</summary>
/// <param name="Status">What happened.</param>
/// <param name="File">The open file when <paramref name="Status"/> is <see cref="BootFileStatus.Ok"/>.</param>
/// <param name="Reason">Why not, in words fit for a log or a TFTP error message.</param>
public readonly record struct BootFileResult(BootFileStatus Status, IBootFile? File, string? Reason)
{
    /// <summary>A successful open.</summary>
    public static BootFileResult Opened(IBootFile file) => new(BootFileStatus.Ok, file, null);

    /// <summary>No such file.</summary>
    public static BootFileResult NotFound(string reason = "file not found") => new(BootFileStatus.NotFound, null, reason);

    /// <summary>Access refused.</summary>
    public static BootFileResult Denied(string reason) => new(BootFileStatus.AccessDenied, null, reason);
}
