using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>What the simulated PXE client is and where it sends from (<c>Test-PxeServer</c>).</summary>
public sealed record PxeClientSimulatorOptions
{
    /// <summary>The interface to send from (SO_BINDTODEVICE); null = the interface of <see cref="Address"/>, or the routing table's choice.</summary>
    public string? Interface { get; init; }

    /// <summary>The local IPv4 address to send from and to put in ciaddr for the port 4011 request; null = the interface's first address.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>The DHCP server to send the DISCOVER to; null = broadcast to 255.255.255.255.</summary>
    public IPAddress? ServerAddress { get; init; }

    /// <summary>The server's DHCP port (67).</summary>
    public int ServerPort { get; init; } = 67;

    /// <summary>The proxyDHCP boot-server port (4011).</summary>
    public int PxePort { get; init; } = 4011;

    /// <summary>The client's DHCP port the simulator listens on (68).</summary>
    public int ClientPort { get; init; } = 68;

    /// <summary>The TFTP server port (69).</summary>
    public int TftpPort { get; init; } = 69;

    /// <summary>The client's MAC address.</summary>
    public MacAddress MacAddress { get; init; }

    /// <summary>The client architecture sent in option 93 and the vendor class.</summary>
    public ClientArchitecture Architecture { get; init; } = ClientArchitecture.Bios;

    /// <summary>The client machine UUID sent in option 97.</summary>
    public Guid Uuid { get; init; }

    /// <summary>The vendor class (option 60); null = <c>PXEClient:Arch:0000N:UNDI:002001</c> for <see cref="Architecture"/>.</summary>
    public string? VendorClass { get; init; }

    /// <summary>True to present as iPXE (user class "iPXE").</summary>
    public bool IsIpxe { get; init; }

    /// <summary>How long each step waits for an answer (4 s, like a PXE ROM's first tries).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>True to download the boot file (and the menu it names); false stops after the DHCP steps.</summary>
    public bool DownloadBootFile { get; init; } = true;

    /// <summary>The most bytes downloaded per file; the rest is not fetched (the step still succeeds).</summary>
    public long MaxDownloadBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The TFTP block size asked for (1432, like iPXE on Ethernet).</summary>
    public int BlockSize { get; init; } = 1432;

    /// <summary>Creates the UDP sockets (for example inside another network namespace); null = a new IPv4 UDP socket.</summary>
    public Func<Socket>? SocketFactory { get; init; }

    /// <summary>The vendor class actually sent.</summary>
    public string EffectiveVendorClass => VendorClass ?? $"PXEClient:Arch:{(ushort)Architecture:D5}:UNDI:002001";
}
