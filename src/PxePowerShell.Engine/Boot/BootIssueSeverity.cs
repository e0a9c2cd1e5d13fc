namespace PxePowerShell.Engine.Boot;

/// <summary>How serious a validation issue is.</summary>
public enum BootIssueSeverity
{
    /// <summary>The entry works but something looks wrong (a file not found with the namespace as it is now).</summary>
    Warning,

    /// <summary>The entry cannot be used as it is.</summary>
    Error,
}
