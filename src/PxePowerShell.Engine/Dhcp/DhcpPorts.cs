namespace PxePowerShell.Engine.Dhcp;

/// <summary>The well-known DHCP ports (RFC 2131 section 4.1, PXE 2.1 for 4011).</summary>
internal static class DhcpPorts
{
    /// <summary>The server port (bootps).</summary>
    public const int Server = 67;

    /// <summary>The client port (bootpc).</summary>
    public const int Client = 68;

    /// <summary>The PXE boot server port (proxyDHCP requests after the DISCOVER).</summary>
    public const int Pxe = 4011;

    /// <summary>
    /// The server port relays send to and conflict checks ask on: <paramref name="configured"/>, or <see cref="Server"/>
    /// when it is 0 (a listener on an ephemeral port still answers relays on 67).
    /// </summary>
    public static int ServerOrDefault(int configured) => configured == 0 ? Server : configured;
}
