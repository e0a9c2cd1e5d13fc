using System.Globalization;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>
/// Reads a grub.cfg (menuentry and submenu blocks, linux/linuxefi/linux16 with initrd/initrdefi/initrd16,
/// multiboot/multiboot2 with module, chainloader, configfile, set default/timeout, source and configfile includes) and
/// translates it into boot entries. Variables set in the configuration are expanded; the ones naming the boot server
/// (<c>$net_default_server</c>, <c>$pxe_default_server</c>) become <c>{server}</c>; an entry using any other is
/// reported and left out. Look-only commands (insmod, loadfont, terminal_output, background_image, search...) are
/// skipped; every other line that is not translated is a warning with file and line. Free of I/O: included files come
/// from a callback, so the same parser reads a TFTP root, a directory or an ISO image. Conditions (if/elif/else) are
/// not evaluated: every branch is read, which a warning says when a branch holds entries.
/// </summary>
internal static class GrubConfigParser
{
    /// <summary>Includes nested deeper than this are refused.</summary>
    public const int MaxIncludeDepth = 16;

    /// <summary>The most commands read over all files.</summary>
    public const int MaxCommands = 100_000;

    private static readonly HashSet<string> LookOnly = new(StringComparer.Ordinal)
    {
        "insmod", "rmmod", "loadfont", "terminal_output", "terminal_input", "terminal", "background_image", "background_color", "play",
        "echo", "clear", "serial", "load_video", "gfxmode", "font", "true", "false", "export", "load_env", "save_env", "boot", "sleep",
        "search", "search.file", "search.fs_uuid", "search.fs_label", "probe", "test", "[", "set_background_image", "unset", "net_bootp",
        "net_dhcp", "keystatus", "set", "cpuid", "recordfail", "savedefault", "gfxterm", "gettext",
    };

    private static readonly Dictionary<string, string> Builtins = new(StringComparer.Ordinal)
    {
        ["menuentry_id_option"] = "--id",
        ["root"] = string.Empty, // "($root)/path": the device GRUB came from, the TFTP server or the image
    };

    /// <summary>
    /// Parses <paramref name="text"/>, the content of <paramref name="file"/>. <paramref name="read"/> returns an included
    /// file's text (given its namespace path) or null when it is missing. Paths are placed under <paramref name="rootPrefix"/>
    /// (an image's mount point, "" for a TFTP root); absolute paths that begin with <paramref name="rootDirectory"/> are reduced to the root.
    /// </summary>
    public static GrubConversion Parse(string file, string text, Func<string, string?>? read = null, string rootPrefix = "", string? namePrefix = null, string? rootDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var state = new GrubParseState(read ?? (_ => null), rootPrefix, namePrefix, rootDirectory);
        state.ParseMain(file, text);
        return state.Result();
    }

    /// <summary>True when <paramref name="word"/> is a bare assignment, "name=value" (GRUB's shorthand for set).</summary>
    internal static bool IsAssignment(string word)
    {
        int equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_') && word[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>True when <paramref name="command"/> only changes the look of the menu or probes hardware.</summary>
    internal static bool IsLookOnly(string command) => LookOnly.Contains(command);

    /// <summary>The variables GRUB itself sets that the translation knows.</summary>
    internal static IReadOnlyDictionary<string, string> BuiltinVariables => Builtins;

    /// <summary>GRUB's timeout in seconds as menu settings read it: -1 (or less) waits for ever (zero), 0 is refused (null).</summary>
    internal static TimeSpan? Timeout(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seconds)
            ? seconds < 0 ? TimeSpan.Zero : seconds == 0 ? null : TimeSpan.FromSeconds(Math.Min(seconds, 3599))
            : null;

    /// <summary>The path without a GRUB device in front: "(tftp,10.0.0.1)/a" and "()/a" are "/a"; null for another device ((loop), (hd0,1)...).</summary>
    internal static string? WithoutDevice(string path)
    {
        if (!path.StartsWith('('))
        {
            return path;
        }

        int close = path.IndexOf(')', StringComparison.Ordinal);
        if (close < 0)
        {
            return null;
        }

        string device = path[1..close].Split(',')[0];
        return device is "" or "tftp" or "pxe" or "http" or "memdisk" ? path[(close + 1)..] : null;
    }

    /// <summary>A kernel command line from GRUB words: a word holding blanks is written back with double quotes, as GRUB passes it.</summary>
    internal static string CommandLine(IEnumerable<string> words) => string.Join(' ', words.Select(w =>
    {
        if (!w.Any(char.IsWhiteSpace))
        {
            return w;
        }

        int equals = w.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? $"{w[..(equals + 1)]}\"{w[(equals + 1)..]}\"" : $"\"{w}\"";
    }));

    /// <summary>A line's text for warnings: the raw words of a command.</summary>
    internal static string Text(IReadOnlyList<GrubWord> command) => string.Join(' ', command.Select(w => w.Raw));

    /// <summary>A warning about <paramref name="command"/> of <paramref name="file"/>.</summary>
    internal static SyslinuxWarning Warning(string file, IReadOnlyList<GrubWord> command, string message) => new(file, command[0].Line, Text(command), message);
}
