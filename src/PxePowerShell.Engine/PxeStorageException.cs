namespace PxePowerShell.Engine;

/// <summary>
/// A failure of the storage behind the seam (<see cref="Storage.IPxeStorage"/>), with a stable <see cref="ErrorId"/> and a
/// <see cref="Category"/> the cmdlets turn into an ErrorRecord. The storage library's own exception is the
/// <see cref="Exception.InnerException"/>; callers never need to know its type. An <see cref="IOException"/>, so code
/// that handles I/O failures (the DHCP receive path, which then stays silent and lets the client retry) handles it too.
/// </summary>
public sealed class PxeStorageException : IOException, IPxeError
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorId">A stable identifier, e.g. <c>ClientInventoryUnavailable</c>.</param>
    /// <param name="category">What kind of failure.</param>
    /// <param name="message">What failed and what to do, in a sentence.</param>
    /// <param name="innerException">The storage library's exception.</param>
    public PxeStorageException(string errorId, PxeErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorId);
        ErrorId = errorId;
        Category = category;
    }

    /// <summary>The stable identifier.</summary>
    public string ErrorId { get; }

    /// <summary>What kind of failure.</summary>
    public PxeErrorCategory Category { get; }
}
