namespace PxePowerShell.Engine.Boot;

/// <summary>A boot-entry operation refused: carries a stable <see cref="ErrorId"/> (one of <see cref="BootErrorIds"/>).</summary>
public sealed class BootEntryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BootEntryException(string errorId, string message, string? entryName = null, string? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        EntryName = entryName;
        Target = target;
    }

    /// <summary>Creates an exception from a validation issue.</summary>
    public BootEntryException(BootEntryIssue issue)
        : this(issue?.Id ?? throw new ArgumentNullException(nameof(issue)), issue.Message, issue.EntryName, issue.Target)
    {
    }

    /// <summary>The stable error identifier.</summary>
    public string ErrorId { get; }

    /// <summary>The entry concerned, if any.</summary>
    public string? EntryName { get; }

    /// <summary>The offending value, if any.</summary>
    public string? Target { get; }
}
