namespace PxePowerShell.Engine.Storage;

/// <summary>
/// A store could not be opened or used: carries a stable <see cref="ErrorId"/> (one of <see cref="StoreErrorIds"/>)
/// that the cmdlets turn into an ErrorRecord, and never the connection string's password.
/// </summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException(string errorId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorId);
        ErrorId = errorId;
    }

    /// <summary>The stable error identifier.</summary>
    public string ErrorId { get; }
}
