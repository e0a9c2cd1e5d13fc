using System.Globalization;
using System.Text;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Renders a <see cref="BootMenu"/> as a pxelinux.cfg file for pxelinux.0 / lpxelinux.0 (BIOS) and syslinux.efi (UEFI),
/// using menu.c32: <c>UI menu.c32</c>, <c>PROMPT</c>, <c>TIMEOUT</c> (tenths of a second), <c>MENU TITLE</c>, and per entry
/// <c>LABEL</c>, <c>MENU LABEL</c>, <c>MENU DEFAULT</c>, <c>KERNEL</c>/<c>LINUX</c>, <c>INITRD</c>, <c>APPEND</c>,
/// <c>TEXT HELP</c>…<c>ENDTEXT</c>, <c>LOCALBOOT 0</c>, <c>CONFIG</c>, <c>COM32</c>.
/// </summary>
/// <remarks>
/// The syslinux configuration grammar has no quoting: a keyword line runs to its end, so labels and arguments are
/// written as they are (UTF-8; menu.c32 shows bytes, so non-ASCII labels look right only with a matching font) and
/// line breaks and control characters are refused when entries are validated. A help line that reads "ENDTEXT"
/// would end the help early and is written as "[ENDTEXT]". Kernels whose extension syslinux would read as another
/// file type (.bin, .bs, .0, .c32, .com, .cbt, .img, .bss) are written with <c>LINUX</c>, which forces the Linux format.
/// </remarks>
internal static class PxelinuxMenuRenderer
{
    /// <summary>Longest TIMEOUT syslinux accepts (tenths of a second).</summary>
    public const int MaxTimeoutTenths = 35996;

    private static readonly string[] TypedExtensions = [".bin", ".bs", ".bss", ".0", ".c32", ".com", ".cbt", ".img"];

    /// <summary>Renders <paramref name="menu"/> (format Pxelinux or Syslinux).</summary>
    public static string Render(BootMenu menu, BootRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(menu);
        options ??= new BootRenderOptions();
        bool http = options.HttpBaseUri is not null && (menu.Format == BootMenuFormat.Syslinux || options.Lpxelinux);
        var text = new StringBuilder();
        if (options.Banner is { } banner)
        {
            text.Append("# ").Append(banner).Append('\n');
        }

        // Without a menu module (the root has no menu.c32) pxelinux shows its "boot:" prompt, where a label is typed.
        if (options.MenuModule is { } module)
        {
            text.Append("UI ").Append(module).Append('\n');
        }

        bool prompt = menu.Prompt || (options.MenuModule is null && menu.Entries.Length > 1);
        text.Append("PROMPT ").Append(prompt ? '1' : '0').Append('\n');
        text.Append("TIMEOUT ").Append(TimeoutTenths(menu.Timeout).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("MENU TITLE ").Append(OneLine(menu.Title)).Append('\n');
        if (menu.Default is { } preferred)
        {
            text.Append("DEFAULT ").Append(preferred.Name).Append('\n');
        }

        foreach (var entry in menu.Entries)
        {
            text.Append('\n');
            AppendEntry(text, entry, ReferenceEquals(entry, menu.Default), options, http);
        }

        return text.ToString();
    }

    /// <summary>The TIMEOUT value for <paramref name="timeout"/>: tenths of a second, 0 for none, capped at <see cref="MaxTimeoutTenths"/>.</summary>
    public static int TimeoutTenths(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return 0;
        }

        double tenths = Math.Ceiling(timeout.TotalMilliseconds / 100);
        return tenths > MaxTimeoutTenths ? MaxTimeoutTenths : (int)tenths;
    }

    private static void AppendEntry(StringBuilder text, BootEntry entry, bool isDefault, BootRenderOptions options, bool http)
    {
        text.Append("LABEL ").Append(entry.Name).Append('\n');
        text.Append("  MENU LABEL ").Append(OneLine(entry.DisplayLabel)).Append('\n');
        if (isDefault)
        {
            text.Append("  MENU DEFAULT\n");
        }

        string args = options.ExpandArguments(entry.Arguments);
        switch (entry.Kind)
        {
            case BootEntryKind.Linux:
            case BootEntryKind.Image:
                {
                    string kernel = entry.Kernel!;
                    string keyword = entry.Kind == BootEntryKind.Image || HasTypedExtension(kernel) ? "LINUX" : "KERNEL";
                    text.Append("  ").Append(keyword).Append(' ').Append(PathOf(kernel, options, http)).Append('\n');
                    if (entry.Kind == BootEntryKind.Linux && entry.Initrd.Count > 0)
                    {
                        text.Append("  INITRD ").AppendJoin(',', entry.Initrd.Select(i => PathOf(i, options, http))).Append('\n');
                    }

                    if (args.Length > 0)
                    {
                        text.Append("  APPEND ").Append(args).Append('\n');
                    }

                    break;
                }

            case BootEntryKind.Multiboot:
                {
                    text.Append("  KERNEL ").Append(options.MultibootModule).Append('\n');
                    var line = new StringBuilder(PathOf(entry.Kernel!, options, http));
                    if (args.Length > 0)
                    {
                        line.Append(' ').Append(args);
                    }

                    foreach (var module in entry.Modules)
                    {
                        line.Append(" --- ").Append(PathOf(module.Path, options, http));
                        string moduleArgs = options.ExpandArguments(module.Arguments);
                        if (moduleArgs.Length > 0)
                        {
                            line.Append(' ').Append(moduleArgs);
                        }
                    }

                    text.Append("  APPEND ").Append(line).Append('\n');
                    break;
                }

            case BootEntryKind.Chainload:
                {
                    string target = PathOf(entry.ChainTarget!, options, http);
                    if (target.EndsWith(".0", StringComparison.OrdinalIgnoreCase))
                    {
                        text.Append("  KERNEL ").Append(target).Append('\n');
                        if (args.Length > 0)
                        {
                            text.Append("  APPEND ").Append(args).Append('\n');
                        }
                    }
                    else
                    {
                        text.Append("  COM32 ").Append(options.ChainModule).Append('\n');
                        text.Append("  APPEND ").Append(target).Append(args.Length > 0 ? " " + args : string.Empty).Append('\n');
                    }

                    break;
                }

            case BootEntryKind.LocalBoot:
                text.Append("  LOCALBOOT 0\n");
                break;

            case BootEntryKind.ConfigInclude:
                text.Append("  CONFIG ").Append(PathOf(entry.ConfigPath!, options, http)).Append('\n');
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(entry), $"Unknown kind {entry.Kind}.");
        }

        if (!string.IsNullOrWhiteSpace(entry.HelpText))
        {
            text.Append("  TEXT HELP\n");
            foreach (var line in BootText.Lines(entry.HelpText))
            {
                string trimmed = line.Trim();
                bool endsHelp = trimmed.StartsWith("endtext", StringComparison.OrdinalIgnoreCase)
                    && (trimmed.Length == 7 || char.IsWhiteSpace(trimmed[7]));
                text.Append("  ").Append(endsHelp ? "[" + trimmed + "]" : line.TrimEnd()).Append('\n');
            }

            text.Append("  ENDTEXT\n");
        }
    }

    private static bool HasTypedExtension(string path)
    {
        foreach (var extension in TypedExtensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string PathOf(string path, BootRenderOptions options, bool http)
    {
        if (BootRenderOptions.IsUrl(path))
        {
            return path;
        }

        if (http)
        {
            return options.HttpUrl(path);
        }

        return options.RootedPaths ? "::/" + path.TrimStart('/') : path;
    }

    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
