namespace PxePowerShell.Engine;

/// <summary>
/// The base of every failure the engine reports to its callers: a stable <see cref="ErrorId"/> (one of
/// <see cref="PxeErrorIds"/>, which scripts may match on) and a <see cref="Category"/>. The module turns it into an
/// ErrorRecord in one place; typed exceptions (boot entries, ISO images, configuration) derive from it. The one
/// engine failure that needs another base, <see cref="PxeStorageException"/> (an IOException, so I/O handlers
/// catch it), carries the same two values through <see cref="IPxeError"/>.
/// </summary>
public class PxeException : Exception, IPxeError
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorId">The stable identifier, one of <see cref="PxeErrorIds"/>.</param>
    /// <param name="category">What kind of failure it is.</param>
    /// <param name="message">What is wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public PxeException(string errorId, PxeErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorId);
        ErrorId = errorId;
        Category = category;
    }

    /// <summary>The stable error identifier.</summary>
    public virtual string ErrorId { get; }

    /// <summary>What kind of failure it is.</summary>
    public virtual PxeErrorCategory Category { get; }
}
