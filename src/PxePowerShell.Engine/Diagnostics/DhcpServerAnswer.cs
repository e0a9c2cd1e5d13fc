using System.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>One DHCP or proxyDHCP server that answered Find-PxeDhcpServer's probes.</summary>
/// <param name="ServerAddress">The server identifier (option 54), or the reply's source address.</param>
/// <param name="SourceAddress">Where the reply came from.</param>
/// <param name="OffersAddress">True when it offered an address (a DHCP server, not only proxyDHCP).</param>
/// <param name="OfferedAddress">The address offered, if any.</param>
/// <param name="AnswersPxe">True when it answered the PXE DISCOVER as a PXE server (vendor class PXEClient or option 43).</param>
/// <param name="AnsweredProbes">Which probes it answered: "PXE", "plain" or both.</param>
/// <param name="BootFile">The boot file it named (file field or option 67).</param>
/// <param name="NextServer">The next server (siaddr or option 66) it named.</param>
/// <param name="MenuItems">The PXE boot menu items (option 43) it offered.</param>
public sealed record DhcpServerAnswer(
    IPAddress ServerAddress,
    IPAddress SourceAddress,
    bool OffersAddress,
    IPAddress? OfferedAddress,
    bool AnswersPxe,
    IReadOnlyList<string> AnsweredProbes,
    string? BootFile,
    IPAddress? NextServer,
    IReadOnlyList<string> MenuItems);
