using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Chooses what a client boots from its architecture, whether it is already iPXE and whether it is an
/// HTTP-boot client. Pure and thread-safe.
/// </summary>
internal sealed class BootPolicy
{
    /// <summary>
    /// Boot files used when none is configured: the dnsmasq-era syslinux names for x86 (pxelinux.0,
    /// syslinux.efi) and GRUB's conventional names for the other UEFI architectures.
    /// </summary>
    public static IReadOnlyDictionary<ClientArchitecture, string> DefaultBootFiles { get; } = new Dictionary<ClientArchitecture, string>
    {
        [ClientArchitecture.Bios] = "pxelinux.0",
        [ClientArchitecture.EfiIA32] = "syslinux32.efi",
        [ClientArchitecture.EfiX64] = "syslinux.efi",
        [ClientArchitecture.EfiArm32] = "grubarm.efi",
        [ClientArchitecture.EfiArm64] = "grubaa64.efi",
        [ClientArchitecture.EfiRiscV64] = "grubriscv64.efi",
        [ClientArchitecture.EfiLoongArch64] = "grubloongarch64.efi",
    };

    private readonly PxeBootOptions _options;
    private readonly PxeMenuEntry _fallback;

    /// <summary>Creates a policy over the options.</summary>
    public BootPolicy(PxeBootOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Menu = options.Menu.Count > 0 ? options.Menu : [new PxeMenuEntry("Network Boot")];
        _fallback = new PxeMenuEntry("dhcp-boot", options.BootFiles);
    }

    /// <summary>The options.</summary>
    public PxeBootOptions Options => _options;

    /// <summary>The effective menu (never empty).</summary>
    public IReadOnlyList<PxeMenuEntry> Menu { get; }

    /// <summary>The architecture used for a request: option 93, or BIOS for a client that does not say.</summary>
    public static ClientArchitecture ArchitectureOf(PxeRequest request) => request.Architecture ?? ClientArchitecture.Bios;

    /// <summary>The menu entries (with their menu type 0x8000 + index) that have a file for the client.</summary>
    public IReadOnlyList<(ushort Type, PxeMenuEntry Entry)> EntriesFor(PxeRequest request)
    {
        var arch = ArchitectureOf(request);
        var list = new List<(ushort, PxeMenuEntry)>();
        for (int i = 0; i < Menu.Count; i++)
        {
            if (Lookup(Menu[i].BootFiles, arch) is not null)
            {
                list.Add(((ushort)(0x8000 + i), Menu[i]));
            }
        }

        return list;
    }

    /// <summary>
    /// The entry for a client that no entry of an explicit menu serves, as dnsmasq gives such a client the dhcp-boot file:
    /// the configured <see cref="PxeBootOptions.BootFiles"/> (never the built-in defaults). Null when the menu is the
    /// implicit one or the boot files name nothing for the client's architecture.
    /// </summary>
    public PxeMenuEntry? FallbackFor(PxeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _options.Menu.Count > 0 && Find(_options.BootFiles, ArchitectureOf(request)) is not null ? _fallback : null;
    }

    /// <summary>The menu entry for a boot server type (0x8000 + index), or null.</summary>
    public PxeMenuEntry? EntryForType(ushort type)
    {
        int index = type - 0x8000;
        return index >= 0 && index < Menu.Count ? Menu[index] : null;
    }

    /// <summary>Chooses the boot file for a request, using a menu entry's files when given.</summary>
    public BootDecision Decide(PxeRequest request, IPAddress serverAddress, PxeMenuEntry? entry = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var arch = ArchitectureOf(request);
        bool http = request.IsHttpClient || ClientArchitectures.IsHttp(arch);
        string? file = Lookup(entry?.BootFiles, arch);
        if (file is null)
        {
            return new BootDecision(null, http, $"no boot file for architecture {request.ArchitectureName ?? "Bios"}");
        }

        if (request.IsIpxe && (_options.IpxeScript is not null || LooksLikeIpxeBinary(file)))
        {
            string script = _options.IpxeScript ?? "boot.ipxe";
            if (!IsUrl(script) && _options.HttpBootUrl is not null)
            {
                script = Combine(_options.HttpBootUrl, script, serverAddress);
            }

            return new BootDecision(script, http, "iPXE client gets the iPXE script");
        }

        if (http)
        {
            if (IsUrl(file))
            {
                return new BootDecision(file, true, "HTTP boot");
            }

            return _options.HttpBootUrl is null
                ? new BootDecision(null, true, "HTTP-boot client but no HTTP boot URL is configured")
                : new BootDecision(Combine(_options.HttpBootUrl, file, serverAddress), true, "HTTP boot");
        }

        return new BootDecision(file, false, "boot file by architecture");
    }

    /// <summary>True for names of iPXE binaries, which must not be given to a client that is already iPXE.</summary>
    public static bool LooksLikeIpxeBinary(string file)
    {
        string name = file[(file.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return name.EndsWith(".kpxe", StringComparison.Ordinal) || name.EndsWith(".kkpxe", StringComparison.Ordinal)
            || name.EndsWith(".pxe", StringComparison.Ordinal) || name.EndsWith(".ipxe.efi", StringComparison.Ordinal)
            || name is "ipxe.efi" or "snponly.efi" or "snp.efi" or "ipxe.lkrn" or "undionly.kpxe";
    }

    private string? Lookup(IReadOnlyDictionary<ClientArchitecture, string>? entryFiles, ClientArchitecture arch)
    {
        if (entryFiles is not null)
        {
            return Find(entryFiles, arch);
        }

        return Find(_options.BootFiles, arch) ?? Find(DefaultBootFiles, arch);
    }

    private static string? Find(IReadOnlyDictionary<ClientArchitecture, string> files, ClientArchitecture arch)
    {
        if (files.TryGetValue(arch, out var f))
        {
            return f;
        }

        var normalized = ClientArchitectures.Normalize(arch);
        if (files.TryGetValue(normalized, out f))
        {
            return f;
        }

        if (normalized == ClientArchitecture.EfiX64 && files.TryGetValue(ClientArchitecture.EfiBC, out f))
        {
            return f;
        }

        var pxe = ClientArchitectures.WithoutHttp(arch);
        if (pxe != arch && files.TryGetValue(pxe, out f))
        {
            return f;
        }

        return pxe == ClientArchitecture.EfiX64 && files.TryGetValue(ClientArchitecture.EfiBC, out f) ? f : null;
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The host part of a URL for an address: IPv6 in brackets and without a zone (a URL sent to a client never
    /// carries the server's scope id), IPv4 as is.
    /// </summary>
    public static string UrlHost(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6
            ? "[" + new IPAddress(address.GetAddressBytes()) + "]"
            : address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString()
            : address.ToString();
    }

    private static string Combine(string baseUrl, string file, IPAddress server) =>
        baseUrl.Replace("{server}", UrlHost(server), StringComparison.OrdinalIgnoreCase).TrimEnd('/') + "/" + file.TrimStart('/');
}
