using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>What PXE and HTTP-boot clients are told to boot; shared by proxyDHCP and full DHCP.</summary>
public sealed record PxeBootOptions
{
    /// <summary>
    /// Boot files by architecture, over the defaults in <see cref="BootPolicy.DefaultBootFiles"/>. A value
    /// that is an http:// or https:// URL is sent as is; architecture 7 and 9 are the same key
    /// (<see cref="ClientArchitectures.Normalize"/>); HTTP-boot architectures fall back to their PXE counterpart.
    /// </summary>
    public IReadOnlyDictionary<ClientArchitecture, string> BootFiles { get; init; } = new Dictionary<ClientArchitecture, string>();

    /// <summary>
    /// Base URL for HTTP-boot clients and the iPXE script (e.g. <c>http://{server}:8080/</c>; <c>{server}</c> is
    /// replaced by the address of the interface the request came in on). Null: HTTP-boot clients are ignored.
    /// </summary>
    public string? HttpBootUrl { get; init; }

    /// <summary>
    /// What iPXE clients get instead of the iPXE binary (TFTP name or URL). Null: <c>boot.ipxe</c>, used only when
    /// the architecture's boot file is an iPXE binary (undionly.kpxe, ipxe.efi, snponly.efi...), so chainloading never loops.
    /// </summary>
    public string? IpxeScript { get; init; }

    /// <summary>siaddr (next server) for TFTP; null = the address of the interface the request came in on.</summary>
    public IPAddress? TftpServer { get; init; }

    /// <summary>The PXE menu (pxe-service). Empty: one implicit entry, "Network Boot", with <see cref="BootFiles"/>.</summary>
    public IReadOnlyList<PxeMenuEntry> Menu { get; init; } = [];

    /// <summary>The menu prompt (pxe-prompt); null sends dnsmasq's default "PXE" with <see cref="Timeout"/> 0.</summary>
    public string? Prompt { get; init; }

    /// <summary>Seconds the prompt waits before booting the first entry (0-255; 255 = forever).</summary>
    public int Timeout { get; init; }

    /// <summary>PXE discovery control (option 43 sub-option 6); null sends 3 like dnsmasq (use the boot server list).</summary>
    public byte? DiscoveryControl { get; init; }
}
