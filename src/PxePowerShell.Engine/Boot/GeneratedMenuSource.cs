using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Serves boot menus generated live from the current boot entries (nothing is written into the root). Mount one per
/// loader at the paths of <see cref="BootMenuLayout"/> (or use <see cref="MountAll"/>):
/// <list type="bullet">
/// <item>Pxelinux / Syslinux, mounted at a pxelinux.cfg directory: answers <c>default</c> (unknown clients), and
/// <c>01-&lt;mac&gt;</c> or <c>&lt;uuid&gt;</c> only when some entry targets that client; everything else, including the
/// hex-IP names (C0A80005, C0A8000, …, C), is NotFound, so pxelinux's fallback chain ends at <c>default</c>.</item>
/// <item>Ipxe, mounted at <c>boot.ipxe</c>: one script that picks the client's menu itself from ${mac:hexhyp} and ${uuid}
/// (TFTP tells the server only the client's IP address, so per-client content is chosen by the client).</item>
/// <item>Grub, mounted at <c>grub/grub.cfg</c>: one grub.cfg that picks by $net_default_mac; GRUB's own
/// grub.cfg-01-&lt;mac&gt; / grub.cfg-&lt;hex IP&gt; probes get NotFound and fall back to it.</item>
/// </list>
/// Content is rendered on every open from the snapshot the provider returns, so changes show at once;
/// LastModified is the time of the last change.
/// </summary>
public sealed class GeneratedMenuSource : IBootFileSource
{
    private readonly Func<BootConfiguration> _configuration;

    // Rendered files per snapshot: TFTP clients open the same names repeatedly (tsize probe, retries, the whole
    // pxelinux fallback chain), so each snapshot renders a name once. Entries go when the snapshot is collected.
    private readonly ConditionalWeakTable<BootConfiguration, ConcurrentDictionary<string, byte[]?>> _rendered = new();

    /// <summary>Creates a source.</summary>
    /// <param name="configuration">Returns the current snapshot (for example <c>() =&gt; store.Current</c>).</param>
    /// <param name="format">The menu format served.</param>
    /// <param name="options">Rendering options (server address, HTTP base URL).</param>
    /// <param name="architecture">For Syslinux: the UEFI platform of the syslinux.efi that reads this directory (default EfiX64).</param>
    public GeneratedMenuSource(Func<BootConfiguration> configuration, BootMenuFormat format, BootRenderOptions? options = null, BootArchitecture? architecture = null)
    {
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        Format = format;
        Options = options ?? new BootRenderOptions();
        Architecture = format switch
        {
            BootMenuFormat.Pxelinux => BootArchitecture.Bios,
            BootMenuFormat.Syslinux => architecture ?? BootArchitecture.EfiX64,
            _ => BootArchitecture.All,
        };
        if (format == BootMenuFormat.Syslinux && (Architecture == BootArchitecture.Bios || !BootArchitectures.Singles.Contains(Architecture)))
        {
            throw new ArgumentException("A syslinux.efi menu directory serves one UEFI platform.", nameof(architecture));
        }
    }

    /// <summary>The menu format served.</summary>
    public BootMenuFormat Format { get; }

    /// <summary>The rendering options.</summary>
    public BootRenderOptions Options { get; }

    /// <summary>
    /// The HTTP base URL with <c>{server}</c> for the address the request arrived on ("http://{server}:8080/"), used
    /// when <see cref="Options"/> names no server: each client then gets menus that point at the address it reached.
    /// </summary>
    public string? HttpBaseTemplate { get; init; }

    /// <summary>The platform of pxelinux/syslinux menus (All for iPXE and GRUB, whose scripts cover every platform).</summary>
    public BootArchitecture Architecture { get; }

    /// <inheritdoc />
    public string Description => Format switch
    {
        BootMenuFormat.Pxelinux => "generated pxelinux menus (BIOS)",
        BootMenuFormat.Syslinux => $"generated syslinux.efi menus ({Architecture})",
        BootMenuFormat.Ipxe => "generated iPXE script",
        _ => "generated GRUB configuration",
    };

    /// <summary>
    /// Mounts the generated menus of <paramref name="configuration"/> at the paths of <see cref="BootMenuLayout"/>: pxelinux
    /// (BIOS), syslinux.efi for x64 and IA32 (rooted paths, since syslinux.efi lives in a subdirectory), the iPXE script and
    /// the GRUB configuration. A path where <paramref name="rootDirectory"/> has its own file or directory is left to the
    /// root (a hand-written pxelinux.cfg/ wins) and reported with <see cref="GeneratedMenuMount.Mounted"/> false.
    /// </summary>
    public static IReadOnlyList<GeneratedMenuMount> MountAll(
        BootNamespace boot,
        Func<BootConfiguration> configuration,
        BootRenderOptions? options = null,
        string? rootDirectory = null,
        string? httpBaseTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(boot);
        options ??= new BootRenderOptions();
        var efi = options with { RootedPaths = true };
        var menus = new (string Path, GeneratedMenuSource Source)[]
        {
            (BootMenuLayout.Pxelinux, new GeneratedMenuSource(configuration, BootMenuFormat.Pxelinux, WithMenuModuleOf(options, rootDirectory, string.Empty)) { HttpBaseTemplate = httpBaseTemplate }),
            (BootMenuLayout.SyslinuxEfi64, new GeneratedMenuSource(configuration, BootMenuFormat.Syslinux, WithMenuModuleOf(efi, rootDirectory, "efi64"), BootArchitecture.EfiX64) { HttpBaseTemplate = httpBaseTemplate }),
            (BootMenuLayout.SyslinuxEfi32, new GeneratedMenuSource(configuration, BootMenuFormat.Syslinux, WithMenuModuleOf(efi, rootDirectory, "efi32"), BootArchitecture.EfiIA32) { HttpBaseTemplate = httpBaseTemplate }),
            (BootMenuLayout.IpxeScript, new GeneratedMenuSource(configuration, BootMenuFormat.Ipxe, options) { HttpBaseTemplate = httpBaseTemplate }),
            (BootMenuLayout.GrubConfig, new GeneratedMenuSource(configuration, BootMenuFormat.Grub, options) { HttpBaseTemplate = httpBaseTemplate }),
        };
        var result = new List<GeneratedMenuMount>(menus.Length);
        foreach (var (path, source) in menus)
        {
            bool rootHasIt = rootDirectory is not null && RootHas(rootDirectory, path);
            if (!rootHasIt)
            {
                boot.Mount(BootPath.Parse(path), source);
            }

            result.Add(new GeneratedMenuMount(path, source, !rootHasIt));
        }

        return result;
    }

    /// <summary>
    /// The options with the menu module the loader's directory in the root has: menu.c32 (or vesamenu.c32 when only that
    /// is there), or none — a plain prompt-style menu — when neither is; unchanged without a root directory.
    /// </summary>
    private static BootRenderOptions WithMenuModuleOf(BootRenderOptions options, string? rootDirectory, string directory)
    {
        if (rootDirectory is null || options.MenuModule is null)
        {
            return options;
        }

        string? module = new[] { options.MenuModule, "menu.c32", "vesamenu.c32" }
            .FirstOrDefault(m => RootHas(rootDirectory, directory.Length == 0 ? m : directory + "/" + m));
        return options with { MenuModule = module };
    }

    private static bool RootHas(string rootDirectory, string path)
    {
        string onDisk = Path.Combine(rootDirectory, path.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(onDisk) || Directory.Exists(onDisk);
    }

    /// <inheritdoc />
    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var configuration = _configuration() ?? BootConfiguration.Empty;
        var cache = _rendered.GetValue(configuration, static _ => new ConcurrentDictionary<string, byte[]?>(StringComparer.OrdinalIgnoreCase));
        var options = OptionsFor(context);
        string key = options.ServerAddress is { } server && !ReferenceEquals(options, Options) ? path.Value + "@" + server : path.Value;
        byte[]? content;
        if (!cache.TryGetValue(key, out content))
        {
            string? text;
            try
            {
                text = Render(path, configuration, options);
            }
            catch (BootEntryException ex)
            {
                return ValueTask.FromResult(BootFileResult.Denied($"the menu cannot be generated: {ex.Message}"));
            }

            content = text is null ? null : Encoding.UTF8.GetBytes(text);
            if (cache.Count < 1024)
            {
                cache.TryAdd(key, content);
            }
        }

        return ValueTask.FromResult(content is null
            ? BootFileResult.NotFound()
            : BootFileResult.Opened(new GeneratedBootFile(content, configuration.LastModified)));
    }

    /// <summary>
    /// The options a request is rendered with: <see cref="Options"/>, or — when they name no server (or an IPv4 one and the
    /// request came over IPv6) and the request says which address it arrived on — those options with that address
    /// (IPv6 in brackets, without zone id: <c>[2001:db8::1]</c>, <c>[fe80::1]</c>) and the HTTP base built from
    /// <see cref="HttpBaseTemplate"/> (or the pinned base with its host replaced).
    /// </summary>
    public BootRenderOptions OptionsFor(BootRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Server is not { } server)
        {
            return Options;
        }

        // An IPv6 request gets IPv6 URLs even where an IPv4 address was pinned: {server} bracketed, without zone id.
        server = server.IsIPv4MappedToIPv6 ? server.MapToIPv4() : server;
        bool ipv6 = server.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (Options.ServerAddress is { } pinned && !(ipv6 && !pinned.Contains(':', StringComparison.Ordinal)))
        {
            return Options;
        }

        string address = Dhcp.BootPolicy.UrlHost(server);
        Uri? http = Options.HttpBaseUri;
        if (http is not null && Options.ServerAddress is { } v4 && string.Equals(http.Host, v4, StringComparison.Ordinal))
        {
            http = new UriBuilder(http) { Host = address }.Uri; // our own HTTP server, reached over IPv6
        }
        else if (http is null && HttpBaseTemplate is not null
            && Uri.TryCreate(HttpBaseTemplate.Replace("{server}", address, StringComparison.Ordinal), UriKind.Absolute, out var built))
        {
            http = built;
        }

        return Options with { ServerAddress = address, HttpBaseUri = http };
    }

    /// <summary>The text served for <paramref name="path"/> (relative to the mount), or null for NotFound.</summary>
    public string? Render(BootPath path, BootConfiguration configuration) => Render(path, configuration, Options);

    private string? Render(BootPath path, BootConfiguration configuration, BootRenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        switch (Format)
        {
            case BootMenuFormat.Ipxe:
                return path.IsRoot || path.Value.Equals("boot.ipxe", StringComparison.OrdinalIgnoreCase)
                    ? IpxeScriptRenderer.RenderScript(configuration, options)
                    : null;

            case BootMenuFormat.Grub:
                return path.IsRoot || path.Value.Equals("grub.cfg", StringComparison.OrdinalIgnoreCase)
                    ? GrubMenuRenderer.RenderScript(configuration, options)
                    : null;

            default:
                {
                    if (path.IsRoot || path.Segments.Length != 1)
                    {
                        return null;
                    }

                    var client = PxelinuxClient(path.FileName, configuration, out bool isDefault);
                    if (!isDefault && client is null)
                    {
                        return null;
                    }

                    return PxelinuxMenuRenderer.Render(BootMenu.Select(configuration, Format, Architecture, client), options);
                }
        }
    }

    /// <summary>
    /// Reads a pxelinux.cfg file name: "default" (isDefault), "01-aa-bb-cc-dd-ee-ff" or a UUID that some entry targets
    /// (the client), anything else (hex IP prefixes, MACs and UUIDs nobody targets) null.
    /// </summary>
    public static BootClient? PxelinuxClient(string fileName, BootConfiguration configuration, out bool isDefault)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(configuration);
        isDefault = fileName.Equals("default", StringComparison.OrdinalIgnoreCase);
        if (isDefault)
        {
            return null;
        }

        if (fileName.Length == 20 && fileName.StartsWith("01-", StringComparison.Ordinal)
            && BootEntry.TryNormalizeMacAddress(fileName[3..], out var mac) && fileName[3..].Contains('-', StringComparison.Ordinal))
        {
            return configuration.TargetsMac(mac) ? new BootClient(mac) : null;
        }

        if (fileName.Length == 36 && BootEntry.TryNormalizeUuid(fileName, out var uuid))
        {
            return configuration.TargetsUuid(uuid) ? new BootClient(null, uuid) : null;
        }

        return null;
    }
}
