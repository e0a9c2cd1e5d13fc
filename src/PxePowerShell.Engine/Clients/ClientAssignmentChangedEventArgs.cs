using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>A client's boot entry assignment changed (or the client was removed).</summary>
public sealed class ClientAssignmentChangedEventArgs(MacAddress macAddress, string? bootEntry) : EventArgs
{
    /// <summary>The client.</summary>
    public MacAddress MacAddress { get; } = macAddress;

    /// <summary>The boot entry now assigned, or null for none (the default entry).</summary>
    public string? BootEntry { get; } = bootEntry;
}
