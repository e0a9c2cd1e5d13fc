using System.Globalization;
using System.Text;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Renders GRUB configurations: <c>set timeout</c>, <c>set default</c>, <c>menuentry 'label' --id name { … }</c> with
/// <c>linux</c>/<c>initrd</c>, <c>multiboot2</c>/<c>module2</c> (Xen), <c>chainloader</c>, <c>configfile</c>, and <c>exit</c>
/// (UEFI local boot; BIOS GRUB chains the first disk).
/// </summary>
/// <remarks>
/// Labels and every word that is not plainly safe are single-quoted, a quote inside written as <c>'\''</c>, so GRUB
/// expands no "$" and reads no "#", ";", braces or wildcards. Kernel command lines are split the way Linux reads
/// them (white space outside double quotes); each parameter becomes one GRUB word, and GRUB's loader puts double quotes
/// back around a parameter that holds a space, so <c>acpi_osi="Windows 2012"</c> reaches the kernel with the same meaning.
/// Files are named from $root ("/path"): the TFTP server GRUB came from, or <c>(http,host:port)</c> when an HTTP base is set.
/// </remarks>
internal static class GrubMenuRenderer
{
    /// <summary>The (platform, key) pairs a dispatching grub.cfg distinguishes, from ${grub_platform}-${grub_cpu}.</summary>
    public static IReadOnlyList<(BootArchitecture Architecture, string Key)> PlatformKeys { get; } =
    [
        (BootArchitecture.Bios, "pc-i386"),
        (BootArchitecture.EfiIA32, "efi-i386"),
        (BootArchitecture.EfiX64, "efi-x86_64"),
        (BootArchitecture.EfiArm64, "efi-arm64"),
        (BootArchitecture.EfiArm32, "efi-arm"),
        (BootArchitecture.EfiRiscV64, "efi-riscv64"),
        (BootArchitecture.EfiLoongArch64, "efi-loongarch64"),
    ];

    /// <summary>Renders one menu as a standalone grub.cfg.</summary>
    public static string Render(BootMenu menu, BootRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(menu);
        options ??= new BootRenderOptions();
        var text = new StringBuilder();
        AppendHeader(text, menu.Timeout, options);
        AppendMenu(text, menu, options, string.Empty);
        return text.ToString();
    }

    /// <summary>
    /// Renders the grub.cfg that is served: it picks the client by $net_default_mac (GRUB cannot read the SMBIOS UUID
    /// portably, so UUID-targeted entries are not offered by GRUB) and the platform by ${grub_platform}-${grub_cpu}.
    /// </summary>
    public static string RenderScript(BootConfiguration configuration, BootRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new BootRenderOptions();
        var sections = BootMenuSection.Plan(configuration, BootMenuFormat.Grub, PlatformKeys, includeUuids: false);
        var text = new StringBuilder();
        AppendHeader(text, configuration.Settings.Timeout, options);
        text.Append("set pxeps_client=default\n");
        foreach (var (key, client) in BootMenuSection.Clients(configuration, includeUuids: false))
        {
            if (client?.MacAddress is { } mac)
            {
                text.Append("if [ \"$net_default_mac\" = \"").Append(mac.Replace('-', ':')).Append("\" ]; then set pxeps_client=").Append(key).Append("; fi\n");
            }
        }

        text.Append("set pxeps_key=\"${pxeps_client}-${grub_platform}-${grub_cpu}\"\n");
        bool first = true;
        foreach (var section in sections)
        {
            text.Append(first ? "if " : "elif ");
            first = false;
            for (int i = 0; i < section.Keys.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(" -o ");
                }
                else
                {
                    text.Append("[ ");
                }

                text.Append("\"$pxeps_key\" = ").Append(Quote(section.Keys[i]));
            }

            text.Append(" ]; then\n");
            AppendMenu(text, section.Menu, options, "  ");
        }

        text.Append("else\n");
        text.Append("  echo 'No boot entries for this client and platform.'\n");
        text.Append("fi\n");
        return text.ToString();
    }

    /// <summary>Quotes <paramref name="text"/> for GRUB in single quotes ('\'' for a quote inside).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Writes <paramref name="word"/> bare when it holds only safe characters, else quoted.</summary>
    public static string Word(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length == 0)
        {
            return "''";
        }

        foreach (char c in word)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "_.:/=,+@%~^!-".Contains(c, StringComparison.Ordinal)))
            {
                return Quote(word);
            }
        }

        return word;
    }

    /// <summary>Splits a kernel command line as Linux does (white space outside double quotes; the quotes dropped) and writes each parameter as one GRUB word.</summary>
    public static string QuoteArguments(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var words = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false;
        bool any = false;
        foreach (char c in arguments)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
                any = true;
                continue;
            }

            if (!inQuotes && char.IsWhiteSpace(c))
            {
                if (any)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    any = false;
                }

                continue;
            }

            current.Append(c);
            any = true;
        }

        if (any)
        {
            words.Add(current.ToString());
        }

        return string.Join(' ', words.Select(Word));
    }

    private static void AppendHeader(StringBuilder text, TimeSpan timeout, BootRenderOptions options)
    {
        if (options.Banner is { } banner)
        {
            text.Append("# ").Append(banner).Append('\n');
        }

        long seconds = timeout <= TimeSpan.Zero ? -1 : (long)Math.Ceiling(timeout.TotalSeconds);
        text.Append("set timeout=").Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("set timeout_style=menu\n");
        if (options.HttpBaseUri is { } http)
        {
            text.Append("set root=").Append(Word(DeviceOf(http))).Append('\n');
        }
    }

    private static void AppendMenu(StringBuilder text, BootMenu menu, BootRenderOptions options, string indent)
    {
        if (menu.Entries.IsEmpty)
        {
            text.Append(indent).Append("echo 'No boot entries for this client and platform.'\n");
            return;
        }

        if (menu.Default is { } preferred)
        {
            text.Append(indent).Append("set default=").Append(Word(preferred.Name)).Append('\n');
        }

        bool efi = menu.Architecture != BootArchitecture.Bios;
        foreach (var entry in menu.Entries)
        {
            if (!string.IsNullOrWhiteSpace(entry.HelpText))
            {
                foreach (var line in BootText.Lines(entry.HelpText))
                {
                    text.Append(indent).Append("# ").Append(line.TrimEnd()).Append('\n');
                }
            }

            string label = BootText.SplitHotkey(entry.DisplayLabel).Text;
            text.Append(indent).Append("menuentry ").Append(Quote(label)).Append(" --id ").Append(Word(entry.Name)).Append(" {\n");
            AppendBody(text, entry, efi, options, indent + "  ");
            text.Append(indent).Append("}\n");
        }
    }

    private static void AppendBody(StringBuilder text, BootEntry entry, bool efi, BootRenderOptions options, string indent)
    {
        string args = options.ExpandArguments(entry.Arguments);
        string Args(string a) => a.Length > 0 ? " " + QuoteArguments(a) : string.Empty;
        switch (entry.Kind)
        {
            case BootEntryKind.Linux:
                text.Append(indent).Append("linux ").Append(PathOf(entry.Kernel!, options)).Append(Args(args)).Append('\n');
                if (entry.Initrd.Count > 0)
                {
                    text.Append(indent).Append("initrd ").AppendJoin(' ', entry.Initrd.Select(i => PathOf(i, options))).Append('\n');
                }

                break;

            case BootEntryKind.Image:
                text.Append(indent)
                    .Append(entry.Kernel!.EndsWith(".efi", StringComparison.OrdinalIgnoreCase) ? "chainloader " : "linux ")
                    .Append(PathOf(entry.Kernel!, options)).Append(Args(args)).Append('\n');
                break;

            case BootEntryKind.Multiboot:
                text.Append(indent).Append("multiboot2 ").Append(PathOf(entry.Kernel!, options)).Append(Args(args)).Append('\n');
                foreach (var module in entry.Modules)
                {
                    text.Append(indent).Append("module2 ").Append(PathOf(module.Path, options)).Append(Args(options.ExpandArguments(module.Arguments))).Append('\n');
                }

                break;

            case BootEntryKind.Chainload:
                text.Append(indent).Append("chainloader ").Append(PathOf(entry.ChainTarget!, options)).Append(Args(args)).Append('\n');
                break;

            case BootEntryKind.LocalBoot:
                if (efi)
                {
                    text.Append(indent).Append("exit\n");
                }
                else
                {
                    text.Append(indent).Append("set root=(hd0)\n");
                    text.Append(indent).Append("chainloader +1\n");
                }

                break;

            case BootEntryKind.ConfigInclude:
                text.Append(indent).Append("configfile ").Append(PathOf(entry.ConfigPath!, options)).Append('\n');
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(entry), $"Unknown kind {entry.Kind}.");
        }
    }

    /// <summary>
    /// A GRUB device for an http/tftp URL's server: (http,host[:port]), an IPv6 host in brackets. GRUB reads the port after
    /// a colon (Debian's 2.06, GRUB 2.12); a third comma-separated field is not a port to it.
    /// </summary>
    private static string DeviceOf(Uri uri)
    {
        string protocol = uri.Scheme.Equals("tftp", StringComparison.OrdinalIgnoreCase) ? "tftp" : "http";
        string host = uri.Host;
        return uri.IsDefaultPort || uri.Port < 0
            ? $"({protocol},{host})"
            : string.Create(CultureInfo.InvariantCulture, $"({protocol},{host}:{uri.Port})");
    }

    private static string PathOf(string path, BootRenderOptions options)
    {
        if (BootRenderOptions.IsUrl(path) && Uri.TryCreate(path, UriKind.Absolute, out var url))
        {
            return Word(DeviceOf(url) + url.AbsolutePath);
        }

        string prefix = options.HttpBaseUri is { } http ? http.AbsolutePath.TrimEnd('/') : string.Empty;
        return Word(prefix + "/" + path.TrimStart('/'));
    }
}
