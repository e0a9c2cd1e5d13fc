namespace PxePowerShell.Engine.Clients;

/// <summary>Where a traced boot stopped, as far as the servers could see.</summary>
public enum BootTraceOutcome
{
    /// <summary>The client only spoke DHCP: it never asked for a file (another server's offer won, or it gave up).</summary>
    DhcpOnly,

    /// <summary>A transfer began and nothing followed it: still running, or the client stopped mid-file.</summary>
    Transferring,

    /// <summary>The last thing the client did was finish a transfer: the boot left the network with that file.</summary>
    Loaded,

    /// <summary>The last thing the client met was a failed or refused transfer, or a DHCP NAK.</summary>
    Failed,
}
