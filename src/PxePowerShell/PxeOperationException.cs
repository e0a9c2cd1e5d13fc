using PxePowerShell.Engine;

namespace PxePowerShell;

/// <summary>The exception behind the module's own ErrorRecords: an engine <see cref="PxeException"/> with the record's id.</summary>
public sealed class PxeOperationException : PxeException
{
    /// <summary>Creates the exception.</summary>
    public PxeOperationException(string errorId, PxeErrorCategory category, string message, Exception? inner = null)
        : base(errorId, category, message, inner)
    {
    }
}
