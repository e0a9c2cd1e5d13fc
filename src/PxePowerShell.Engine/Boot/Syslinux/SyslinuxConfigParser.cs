namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>
/// Parses the configuration language of syslinux, pxelinux, isolinux and extlinux (LABEL, KERNEL/LINUX/COM32/...,
/// APPEND, INITRD, DEFAULT, UI, MENU LABEL/DEFAULT/HIDE/TITLE/BEGIN/END, TEXT HELP, INCLUDE, LOCALBOOT, CONFIG).
/// Free of I/O: INCLUDEd files come from a callback, so the same parser reads a TFTP root, a directory or an ISO image.
/// Directives that only change the look or timing of the menu (TIMEOUT, PROMPT, MENU COLOR, F1...) are skipped
/// silently; ones that change what boots and cannot be translated become warnings.
/// </summary>
internal static class SyslinuxConfigParser
{
    /// <summary>INCLUDEs nested deeper than this are refused (a loop, or a configuration no one can follow).</summary>
    public const int MaxIncludeDepth = 16;

    /// <summary>The most lines read over all files (a guard against huge or endless input).</summary>
    public const int MaxLines = 100_000;

    private static readonly HashSet<string> KernelDirectives = new(StringComparer.OrdinalIgnoreCase)
    {
        "KERNEL", "LINUX", "BOOT", "BSS", "PXE", "FDIMAGE", "COMBOOT", "COM32", "CONFIG", "LOCALBOOT",
    };

    private static readonly HashSet<string> Cosmetic = new(StringComparer.OrdinalIgnoreCase)
    {
        "TOTALTIMEOUT", "PROMPT", "NOESCAPE", "NOCOMPLETE", "ALLOWOPTIONS", "ONTIMEOUT", "ONERROR", "SERIAL",
        "CONSOLE", "FONT", "KBDMAP", "DISPLAY", "SAY", "IMPLICIT", "PATH", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8",
        "F9", "F10", "F11", "F12", "NOHALT", "DEBUG",
    };

    /// <summary>Parses <paramref name="text"/>, the content of <paramref name="file"/>; <paramref name="read"/> returns an INCLUDEd file's text, or null when it is missing.</summary>
    public static SyslinuxConfig Parse(string file, string text, Func<string, string?>? read = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var state = new State(read ?? (_ => null));
        state.ParseMain(file, text);
        return new SyslinuxConfig
        {
            Labels = state.Labels,
            Default = state.Default,
            UserInterface = state.UserInterface,
            Title = state.Title,
            GlobalAppend = state.GlobalAppend,
            Timeout = state.Timeout,
            Warnings = state.Warnings,
            Files = state.Files,
        };
    }

    private sealed class State(Func<string, string?> read)
    {
        private readonly List<string> _submenus = [];
        private readonly List<string> _includeStack = [];
        private SyslinuxLabel? _label;
        private int _lines;

        public List<SyslinuxLabel> Labels { get; } = [];

        public List<SyslinuxWarning> Warnings { get; } = [];

        public List<string> Files { get; } = [];

        public string? Default { get; private set; }

        public string? UserInterface { get; private set; }

        public string? Title { get; private set; }

        public string? GlobalAppend { get; private set; }

        public TimeSpan? Timeout { get; private set; }

        public void ParseMain(string file, string text)
        {
            Files.Add(file);
            _includeStack.Add(file);
            ParseFile(file, text, 0);
        }

        private void ParseFile(string file, string text, int depth)
        {
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (++_lines > MaxLines)
                {
                    Warnings.Add(new SyslinuxWarning(file, i + 1, lines[i], $"the configuration is longer than {MaxLines} lines; the rest is not read"));
                    return;
                }

                string line = lines[i].Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var (keyword, argument) = Split(line);
                var origin = new SyslinuxWarning(file, i + 1, lines[i], string.Empty);
                if (keyword.Equals("TEXT", StringComparison.OrdinalIgnoreCase) && argument.Equals("HELP", StringComparison.OrdinalIgnoreCase))
                {
                    var help = new List<string>();
                    for (i++; i < lines.Length && !lines[i].Trim().Equals("ENDTEXT", StringComparison.OrdinalIgnoreCase); i++)
                    {
                        help.Add(lines[i].Trim());
                    }

                    if (_label is not null)
                    {
                        _label.HelpText = string.Join("\n", help).Trim();
                    }

                    continue;
                }

                if (keyword.Equals("MENU", StringComparison.OrdinalIgnoreCase))
                {
                    Menu(file, depth, argument, origin);
                    continue;
                }

                Directive(file, depth, keyword, argument, origin);
            }
        }

        private void Directive(string file, int depth, string keyword, string argument, SyslinuxWarning origin)
        {
            switch (keyword.ToUpperInvariant())
            {
                case "LABEL":
                    _label = new SyslinuxLabel { Name = argument, Origin = origin, Submenus = [.. _submenus] };
                    Labels.Add(_label);
                    return;
                case "DEFAULT":
                    if (_submenus.Count == 0)
                    {
                        Default = argument;
                    }

                    return;
                case "TIMEOUT":
                    // Tenths of a second; 0 waits for ever. Only the top level's counts (a submenu's is its own).
                    if (_submenus.Count == 0 && int.TryParse(argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int tenths))
                    {
                        Timeout = TimeSpan.FromSeconds(Math.Min(tenths, 35996) / 10.0);
                        if (Timeout != new BootMenuSettings().Timeout)
                        {
                            string seconds = Timeout.Value.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
                            string wait = tenths == 0 ? "waits for ever" : $"waits {seconds} s";
                            Warnings.Add(origin with { Message = $"the menu {wait}; entries carry no timeout: set settings.timeoutSeconds to {seconds} in boot-entries.json for the generated menus to wait the same" });
                        }
                    }

                    return;
                case "UI":
                    UserInterface = argument;
                    return;
                case "APPEND":
                    if (_label is null)
                    {
                        GlobalAppend = argument;
                    }
                    else
                    {
                        _label.Append = argument;
                    }

                    return;
                case "INITRD":
                    if (_label is not null)
                    {
                        _label.Initrd = argument;
                    }

                    return;
                case "INCLUDE":
                    Include(file, depth, argument, origin);
                    return;
                case "IPAPPEND":
                case "SYSAPPEND":
                    Untranslated(origin, $"{keyword.ToUpperInvariant()} (network details appended to the command line) has no translation; add what the kernel needs, e.g. BOOTIF= or ip=dhcp, to the entry's arguments");
                    return;
            }

            if (KernelDirectives.Contains(keyword))
            {
                if (_label is null)
                {
                    Warnings.Add(origin with { Message = $"{keyword.ToUpperInvariant()} outside a LABEL is not translated" });
                    return;
                }

                _label.KernelDirective = keyword.ToUpperInvariant();
                _label.Kernel = argument;
                return;
            }

            if (!Cosmetic.Contains(keyword))
            {
                Warnings.Add(origin with { Message = $"'{keyword}' is not a directive PxePowerShell translates" });
            }
        }

        private void Menu(string file, int depth, string argument, SyslinuxWarning origin)
        {
            var (keyword, rest) = Split(argument);
            switch (keyword.ToUpperInvariant())
            {
                case "LABEL":
                    if (_label is not null)
                    {
                        _label.MenuLabel = rest.Replace("^", string.Empty, StringComparison.Ordinal).Trim();
                    }

                    return;
                case "DEFAULT":
                    if (_label is not null)
                    {
                        _label.MenuDefault = true;
                    }

                    return;
                case "EXIT":
                    if (_label is not null)
                    {
                        _label.MenuExit = true;
                    }

                    return;
                case "HIDE":
                    if (_label is not null)
                    {
                        _label.Hidden = true;
                    }

                    return;
                case "TITLE":
                    if (_submenus.Count == 0)
                    {
                        Title = rest;
                    }

                    return;
                case "BEGIN":
                    _submenus.Add(rest.Length == 0 ? "submenu" : rest);
                    _label = null;
                    return;
                case "END":
                    if (_submenus.Count > 0)
                    {
                        _submenus.RemoveAt(_submenus.Count - 1);
                    }

                    _label = null;
                    return;
                case "INCLUDE":
                    Include(file, depth, Split(rest).Keyword, origin);
                    return;
                case "PASSWD":
                    Untranslated(origin, "MENU PASSWD is not translated: the entry will boot without a password");
                    return;
                case "MASTER":
                    if (rest.StartsWith("PASSWD", StringComparison.OrdinalIgnoreCase))
                    {
                        Warnings.Add(origin with { Message = "MENU MASTER PASSWD is not translated: the menus have no password" });
                    }

                    return;
                default:
                    return; // COLOR, BACKGROUND, SEPARATOR, WIDTH, MARGIN, ... only change the look
            }
        }

        private void Include(string file, int depth, string path, SyslinuxWarning origin)
        {
            if (path.Length == 0)
            {
                return;
            }

            if (depth + 1 > MaxIncludeDepth || _includeStack.Contains(path, StringComparer.Ordinal))
            {
                Warnings.Add(origin with { Message = $"INCLUDE {path} is nested too deep or includes itself; not followed" });
                return;
            }

            string? text;
            try
            {
                text = read(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
            {
                Warnings.Add(origin with { Message = $"INCLUDE {path} cannot be read: {ex.Message}" });
                return;
            }

            if (text is null)
            {
                Warnings.Add(origin with { Message = $"INCLUDE {path}: the file does not exist" });
                return;
            }

            _includeStack.Add(path);
            Files.Add(path);
            ParseFile(path, text, depth + 1);
            _includeStack.RemoveAt(_includeStack.Count - 1);
        }


        private void Untranslated(SyslinuxWarning origin, string message)
        {
            var warning = origin with { Message = message };
            if (_label is not null)
            {
                _label.Untranslated.Add(warning);
            }
            else
            {
                Warnings.Add(warning);
            }
        }
    }

    private static (string Keyword, string Argument) Split(string line)
    {
        int space = line.IndexOfAny([' ', '\t']);
        return space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..].Trim());
    }
}
