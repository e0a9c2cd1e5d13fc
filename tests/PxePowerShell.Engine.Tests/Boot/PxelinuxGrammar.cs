using System.Globalization;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// A checker for the syslinux configuration grammar as the syslinux documentation (syslinux.cfg(5), menu.txt) and
/// menu.c32's parser describe it: one keyword per line (case-insensitive), "#" comment lines, global keywords before and
/// between LABEL blocks, per-label keywords inside them, TEXT HELP … ENDTEXT blocks, numeric TIMEOUT/PROMPT,
/// DEFAULT naming a label, file names without white space.
/// </summary>
internal static class PxelinuxGrammar
{
    private static readonly HashSet<string> Global = new(StringComparer.OrdinalIgnoreCase)
    {
        "UI", "DEFAULT", "PROMPT", "TIMEOUT", "TOTALTIMEOUT", "ONTIMEOUT", "ONERROR", "SERIAL", "CONSOLE", "FONT", "KBDMAP",
        "DISPLAY", "SAY", "INCLUDE", "NOESCAPE", "NOCOMPLETE", "NOHALT", "ALLOWOPTIONS", "IMPLICIT", "PATH", "MENU", "LABEL",
        "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "APPEND", "IPAPPEND",
    };

    private static readonly HashSet<string> InLabel = new(StringComparer.OrdinalIgnoreCase)
    {
        "KERNEL", "LINUX", "BOOT", "BSS", "PXE", "FDIMAGE", "COMBOOT", "COM32", "CONFIG", "APPEND", "INITRD", "IPAPPEND",
        "SYSAPPEND", "LOCALBOOT", "MENU", "TEXT", "LABEL",
    };

    private static readonly HashSet<string> Loaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "KERNEL", "LINUX", "BOOT", "BSS", "PXE", "FDIMAGE", "COMBOOT", "COM32", "CONFIG", "LOCALBOOT",
    };

    private static readonly HashSet<string> MenuGlobal = new(StringComparer.OrdinalIgnoreCase)
    {
        "TITLE", "HIDDEN", "CLEAR", "SHIFTKEY", "START", "BACKGROUND", "COLOR", "WIDTH", "MARGIN", "ROWS", "TABMSGROW",
        "CMDLINEROW", "ENDROW", "PASSWORDROW", "TIMEOUTROW", "HELPMSGROW", "HELPMSGENDROW", "MASTER", "RESOLUTION",
        "AUTOBOOT", "TABMSG", "NOTABMSG", "PASSPROMPT", "SEPARATOR", "INCLUDE", "IMMEDIATE",
    };

    private static readonly HashSet<string> MenuLabel = new(StringComparer.OrdinalIgnoreCase)
    {
        "LABEL", "DEFAULT", "HIDE", "PASSWD", "INDENT", "DISABLE", "GOTO", "EXIT", "QUIT", "BEGIN", "END",
    };

    public static IReadOnlyList<string> Check(string text)
    {
        var errors = new List<string>();
        var labels = new List<string>();
        string? defaultLabel = null;
        string? currentLabel = null;
        var seenInLabel = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int loaderCount = 0;
        int menuDefaults = 0;
        bool inHelp = false;
        var lines = text.Split('\n');
        if (!text.EndsWith('\n'))
        {
            errors.Add("the file does not end with a new line");
        }

        void CloseLabel(int lineNo)
        {
            if (currentLabel is not null && loaderCount != 1)
            {
                errors.Add($"line {lineNo}: LABEL {currentLabel} has {loaderCount} loader keywords (KERNEL/LINUX/COM32/CONFIG/LOCALBOOT…), expected one");
            }
        }

        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string raw = lines[i];
            foreach (char c in raw)
            {
                if (char.IsControl(c) && c != '\t')
                {
                    errors.Add($"line {lineNo}: control character U+{(int)c:X4}");
                }
            }

            string line = raw.Trim();
            if (inHelp)
            {
                if (LookingAt(line, "ENDTEXT"))
                {
                    inHelp = false;
                }

                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] words = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            string keyword = words[0];
            string rest = words.Length > 1 ? words[1].Trim() : string.Empty;
            if (keyword.Equals("LABEL", StringComparison.OrdinalIgnoreCase))
            {
                CloseLabel(lineNo);
                if (rest.Length == 0 || rest.Any(char.IsWhiteSpace))
                {
                    errors.Add($"line {lineNo}: LABEL needs one name");
                }

                if (labels.Contains(rest, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"line {lineNo}: LABEL {rest} defined twice");
                }

                labels.Add(rest);
                currentLabel = rest;
                seenInLabel.Clear();
                loaderCount = 0;
                continue;
            }

            if (currentLabel is null ? !Global.Contains(keyword) : !InLabel.Contains(keyword) && !Global.Contains(keyword))
            {
                errors.Add($"line {lineNo}: unknown keyword '{keyword}'");
                continue;
            }

            if (keyword.Equals("MENU", StringComparison.OrdinalIgnoreCase))
            {
                string sub = rest.Split(' ', 2)[0];
                bool known = currentLabel is null ? MenuGlobal.Contains(sub) : MenuLabel.Contains(sub) || MenuGlobal.Contains(sub);
                if (!known)
                {
                    errors.Add($"line {lineNo}: unknown MENU keyword '{sub}'");
                }

                if (currentLabel is not null && sub.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))
                {
                    menuDefaults++;
                }

                if (sub.Equals("LABEL", StringComparison.OrdinalIgnoreCase) && rest.Length <= 6)
                {
                    errors.Add($"line {lineNo}: empty MENU LABEL");
                }

                continue;
            }

            if (keyword.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
            {
                if (!rest.Equals("HELP", StringComparison.OrdinalIgnoreCase) || currentLabel is null)
                {
                    errors.Add($"line {lineNo}: TEXT HELP belongs in a LABEL");
                }

                inHelp = true;
                continue;
            }

            if (currentLabel is not null && Loaders.Contains(keyword))
            {
                loaderCount++;
                if (!keyword.Equals("LOCALBOOT", StringComparison.OrdinalIgnoreCase) && (rest.Length == 0 || rest.Any(char.IsWhiteSpace)))
                {
                    errors.Add($"line {lineNo}: {keyword} needs one file name without spaces (got '{rest}')");
                }

                if (keyword.Equals("LOCALBOOT", StringComparison.OrdinalIgnoreCase) && !int.TryParse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"line {lineNo}: LOCALBOOT needs a number");
                }
            }

            if (currentLabel is not null && (keyword.Equals("APPEND", StringComparison.OrdinalIgnoreCase) || keyword.Equals("INITRD", StringComparison.OrdinalIgnoreCase)) && !seenInLabel.Add(keyword))
            {
                errors.Add($"line {lineNo}: {keyword} twice in LABEL {currentLabel}");
            }

            if (currentLabel is not null && keyword.Equals("INITRD", StringComparison.OrdinalIgnoreCase) && rest.Any(char.IsWhiteSpace))
            {
                errors.Add($"line {lineNo}: INITRD takes comma-separated names without spaces");
            }

            switch (keyword.ToUpperInvariant())
            {
                case "TIMEOUT":
                    if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int tenths) || tenths > 35996)
                    {
                        errors.Add($"line {lineNo}: TIMEOUT needs 0..35996 tenths of a second");
                    }

                    break;
                case "PROMPT":
                    if (rest is not ("0" or "1"))
                    {
                        errors.Add($"line {lineNo}: PROMPT needs 0 or 1");
                    }

                    break;
                case "DEFAULT":
                    defaultLabel = rest;
                    break;
                case "UI":
                    if (!rest.EndsWith(".c32", StringComparison.OrdinalIgnoreCase))
                    {
                        errors.Add($"line {lineNo}: UI needs a .c32 module");
                    }

                    break;
            }
        }

        CloseLabel(lines.Length);
        if (inHelp)
        {
            errors.Add("TEXT HELP is not closed by ENDTEXT");
        }

        if (defaultLabel is not null && !labels.Contains(defaultLabel, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"DEFAULT {defaultLabel} names no LABEL");
        }

        if (menuDefaults > 1)
        {
            errors.Add("more than one MENU DEFAULT");
        }

        return errors;
    }

    /// <summary>menu.c32's looking_at: the keyword, case-insensitive, followed by white space or the end.</summary>
    private static bool LookingAt(string line, string keyword) =>
        line.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) && (line.Length == keyword.Length || char.IsWhiteSpace(line[keyword.Length]));
}
