namespace PxePowerShell.Engine.Clients;

/// <summary>What an administrator changes on a client. Null leaves a property as it is; an empty string clears it.</summary>
public sealed record ClientChanges
{
    /// <summary>The boot entry to assign ("" clears the assignment).</summary>
    public string? BootEntry { get; init; }

    /// <summary>The host name to record ("" clears it).</summary>
    public string? HostName { get; init; }
}
