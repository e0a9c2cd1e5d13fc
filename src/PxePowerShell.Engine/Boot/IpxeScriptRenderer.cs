using System.Globalization;
using System.Text;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Renders iPXE scripts: <c>#!ipxe</c>, a <c>menu</c> with <c>item</c>s and <c>choose</c>, and one <c>:label</c> section per
/// entry with <c>kernel</c>/<c>initrd</c>/<c>boot</c>, <c>module</c> (multiboot, BIOS), <c>chain</c>,
/// <c>sanboot --no-describe --drive 0x80</c> (BIOS local boot) or <c>exit</c> (UEFI local boot).
/// </summary>
/// <remarks>
/// iPXE splits a command line on white space (no quoting), starts a comment at a word beginning with '#', treats the
/// words "||", "&amp;&amp;" and ";" as command separators and expands "${name}" anywhere. Words that would be read as a
/// comment or separator are written behind an empty setting expansion (<c>${pxeps-nil}#word</c>), which iPXE expands
/// to the word itself; "${" cannot be escaped (iPXE re-expands results), so arguments holding it are refused and
/// labels show it as "$ {". Runs of white space collapse to one space, which is what iPXE passes to a kernel anyway.
/// Files load from the HTTP base URL when one is set, otherwise from "/path", which iPXE resolves against the
/// script's own URL (TFTP or HTTP, same server).
/// </remarks>
internal static class IpxeScriptRenderer
{
    /// <summary>The (platform, key) pairs a dispatching script distinguishes, from ${platform} and ${buildarch}.</summary>
    public static IReadOnlyList<(BootArchitecture Architecture, string Key)> PlatformKeys { get; } =
    [
        (BootArchitecture.Bios, "bios"),
        (BootArchitecture.EfiIA32, "efi-i386"),
        (BootArchitecture.EfiX64, "efi-x86_64"),
        (BootArchitecture.EfiArm64, "efi-arm64"),
        (BootArchitecture.EfiArm32, "efi-arm32"),
        (BootArchitecture.EfiRiscV64, "efi-riscv64"),
        (BootArchitecture.EfiLoongArch64, "efi-loong64"),
    ];

    /// <summary>An unset setting: expands to nothing, used to protect words that start with '#' or are separators.</summary>
    public const string Nil = "${pxeps-nil}";

    /// <summary>Renders one menu as a standalone script (for review, or a client and platform known in advance).</summary>
    public static string Render(BootMenu menu, BootRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(menu);
        options ??= new BootRenderOptions();
        var text = new StringBuilder();
        AppendHeader(text, options);
        AppendSection(text, new BootMenuSection(0, [], menu), options);
        AppendFooter(text);
        return text.ToString();
    }

    /// <summary>
    /// Renders the script served as boot.ipxe: it works out the platform from ${platform}/${buildarch} and the client
    /// from ${mac:hexhyp} and ${uuid}, then jumps to that client's menu (UUID matches win over MAC matches, as in pxelinux).
    /// </summary>
    public static string RenderScript(BootConfiguration configuration, BootRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new BootRenderOptions();
        var sections = BootMenuSection.Plan(configuration, BootMenuFormat.Ipxe, PlatformKeys, includeUuids: true);
        var clients = BootMenuSection.Clients(configuration, includeUuids: true);
        var text = new StringBuilder();
        AppendHeader(text, options);
        text.Append("set pxeps-arch bios\n");
        text.Append("iseq ${platform} efi && set pxeps-arch efi-${buildarch} ||\n");
        text.Append("set pxeps-client default\n");
        foreach (var (key, client) in clients)
        {
            if (client?.MacAddress is { } mac)
            {
                text.Append("iseq ${mac:hexhyp} ").Append(mac).Append(" && set pxeps-client ").Append(key).Append(" ||\n");
            }
        }

        foreach (var (key, client) in clients)
        {
            if (client?.Uuid is { } uuid)
            {
                text.Append("iseq ${uuid} ").Append(uuid).Append(" && set pxeps-client ").Append(key).Append(" ||\n");
            }
        }

        text.Append("goto ${pxeps-client}-${pxeps-arch} || goto pxeps-none\n");
        foreach (var section in sections)
        {
            AppendSection(text, section, options);
        }

        AppendFooter(text);
        return text.ToString();
    }

    /// <summary>Protects one word: a word starting with '#', or equal to "||", "&amp;&amp;" or ";", gets an empty expansion in front.</summary>
    public static string EscapeWord(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains("${", StringComparison.Ordinal))
        {
            throw new BootEntryException(PxeErrorIds.UnescapableArgument, $"'{word}' contains '${{', which iPXE expands and cannot escape.", target: word);
        }

        return word.StartsWith('#') || word is "||" or "&&" or ";" ? Nil + word : word;
    }

    /// <summary>Escapes free text (a title or label) as a run of words; "${" is shown as "$ {".</summary>
    public static string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Replace("${", "$ {", StringComparison.Ordinal).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Select(w => EscapeWord(Printable(w))));
    }

    /// <summary>Escapes a command line (kernel arguments) word by word.</summary>
    public static string EscapeArguments(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(' ', arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(EscapeWord));
    }

    private static void AppendHeader(StringBuilder text, BootRenderOptions options)
    {
        text.Append("#!ipxe\n");
        if (options.Banner is { } banner)
        {
            text.Append("# ").Append(banner).Append('\n');
        }
    }

    private static void AppendFooter(StringBuilder text)
    {
        text.Append("\n:pxeps-none\n");
        text.Append("echo No boot entries for this client and platform.\n");
        text.Append(":pxeps-exit\n");
        text.Append("exit\n");
    }

    private static void AppendSection(StringBuilder text, BootMenuSection section, BootRenderOptions options)
    {
        var menu = section.Menu;
        string prefix = "s" + section.Number.ToString(CultureInfo.InvariantCulture) + "-";
        text.Append('\n');
        foreach (var key in section.Keys)
        {
            text.Append(':').Append(key).Append('\n');
        }

        if (menu.Entries.IsEmpty)
        {
            text.Append("goto pxeps-none\n");
            return;
        }

        text.Append("menu ").Append(EscapeText(menu.Title)).Append('\n');
        foreach (var entry in menu.Entries)
        {
            var (label, hotkey) = BootText.SplitHotkey(entry.DisplayLabel);
            text.Append("item ");
            if (hotkey is { } key)
            {
                text.Append("--key ").Append(key).Append(' ');
            }

            text.Append(prefix).Append(entry.Name).Append(' ').Append(EscapeText(label)).Append('\n');
        }

        text.Append("choose");
        if (menu.Default is { } preferred)
        {
            text.Append(" --default ").Append(prefix).Append(preferred.Name);
        }

        if (menu.Timeout > TimeSpan.Zero)
        {
            text.Append(" --timeout ").Append(((long)Math.Ceiling(menu.Timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
        }

        text.Append(" pxeps-target && goto ${pxeps-target} || goto pxeps-exit\n");
        bool efi = menu.Architecture != BootArchitecture.Bios;
        foreach (var entry in menu.Entries)
        {
            text.Append(':').Append(prefix).Append(entry.Name).Append('\n');
            AppendEntry(text, entry, efi, options);
        }
    }

    private static void AppendEntry(StringBuilder text, BootEntry entry, bool efi, BootRenderOptions options)
    {
        string args = options.ExpandArguments(entry.Arguments);
        switch (entry.Kind)
        {
            case BootEntryKind.Linux:
            case BootEntryKind.Image:
                {
                    var line = new StringBuilder("kernel ").Append(PathOf(entry.Kernel!, options));
                    if (efi && entry.Kind == BootEntryKind.Linux)
                    {
                        // The EFI stub of older kernels finds its initrds by name on the command line.
                        foreach (var initrd in entry.Initrd)
                        {
                            line.Append(" initrd=").Append(EscapeWord(BootText.FileName(initrd)));
                        }
                    }

                    if (args.Length > 0)
                    {
                        line.Append(' ').Append(EscapeArguments(args));
                    }

                    text.Append(line).Append('\n');
                    if (entry.Kind == BootEntryKind.Linux)
                    {
                        foreach (var initrd in entry.Initrd)
                        {
                            text.Append("initrd ").Append(PathOf(initrd, options)).Append('\n');
                        }
                    }

                    text.Append("boot\n");
                    break;
                }

            case BootEntryKind.Multiboot:
                {
                    text.Append("kernel ").Append(PathOf(entry.Kernel!, options));
                    if (args.Length > 0)
                    {
                        text.Append(' ').Append(EscapeArguments(args));
                    }

                    text.Append('\n');
                    foreach (var module in entry.Modules)
                    {
                        text.Append("module ").Append(PathOf(module.Path, options));
                        string moduleArgs = options.ExpandArguments(module.Arguments);
                        if (moduleArgs.Length > 0)
                        {
                            text.Append(' ').Append(EscapeArguments(moduleArgs));
                        }

                        text.Append('\n');
                    }

                    text.Append("boot\n");
                    break;
                }

            case BootEntryKind.Chainload:
                text.Append("chain ").Append(PathOf(entry.ChainTarget!, options));
                if (args.Length > 0)
                {
                    text.Append(' ').Append(EscapeArguments(args));
                }

                text.Append('\n');
                break;

            case BootEntryKind.LocalBoot:
                text.Append(efi ? "exit\n" : "sanboot --no-describe --drive 0x80\n");
                break;

            case BootEntryKind.ConfigInclude:
                text.Append("chain ").Append(PathOf(entry.ConfigPath!, options)).Append('\n');
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(entry), $"Unknown kind {entry.Kind}.");
        }
    }

    private static string PathOf(string path, BootRenderOptions options)
    {
        if (BootRenderOptions.IsUrl(path))
        {
            return path;
        }

        return options.HttpBaseUri is not null ? options.HttpUrl(path) : "/" + path.TrimStart('/');
    }

    private static string Printable(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (char c in word)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }
}
