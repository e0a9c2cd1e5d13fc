namespace PxePowerShell.Engine.Boot;

/// <summary>A boot-entry operation refused: carries a stable <see cref="PxeException.ErrorId"/> (one of <see cref="PxeErrorIds"/>).</summary>
public sealed class BootEntryException : PxeException
{
    /// <summary>Creates the exception.</summary>
    public BootEntryException(string errorId, string message, string? entryName = null, string? target = null, Exception? innerException = null)
        : base(errorId, PxeErrorIds.CategoryOf(errorId), message, innerException)
    {
        EntryName = entryName;
        Target = target;
    }

    /// <summary>Creates an exception from a validation issue.</summary>
    public BootEntryException(BootEntryIssue issue)
        : this(issue?.Id ?? throw new ArgumentNullException(nameof(issue)), issue.Message, issue.EntryName, issue.Target)
    {
    }

    /// <summary>The entry concerned, if any.</summary>
    public string? EntryName { get; }

    /// <summary>The offending value, if any.</summary>
    public string? Target { get; }
}
