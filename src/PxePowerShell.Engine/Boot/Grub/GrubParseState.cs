using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>The walk over a grub.cfg and its includes that <see cref="GrubConfigParser"/> runs: entries, variables, default, timeout, warnings.</summary>
internal sealed class GrubParseState(Func<string, string?> read, string rootPrefix, string? namePrefix, string? rootDirectory)
{
    private readonly List<BootEntry> _entries = [];
    private readonly List<SyslinuxWarning> _warnings = [];
    private readonly List<string> _files = [];
    private readonly List<string> _includeStack = [];
    private readonly Dictionary<string, string> _variables = new(GrubConfigParser.BuiltinVariables, StringComparer.Ordinal);
    private readonly UniqueEntryNames _names = new();

    // The top-level menu, in order: an entry's index in _entries, or -1 for a submenu; with title and --id.
    private readonly List<(int Entry, string Title, string? Id)> _topLevel = [];
    private (string Value, SyslinuxWarning Origin)? _default;
    private TimeSpan? _timeout;
    private int _commands;
    private int _conditionDepth;

    public void ParseMain(string file, string text)
    {
        _files.Add(file);
        _includeStack.Add(file);
        ParseFile(file, text, 0, []);
    }

    public GrubConversion Result()
    {
        int chosen = -1;
        if (_default is { } d)
        {
            int index = -1;
            if (int.TryParse(d.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                index = n < _topLevel.Count ? n : -1;
            }
            else if (!d.Value.Contains('>', StringComparison.Ordinal))
            {
                index = _topLevel.FindIndex(t => t.Id == d.Value || t.Title == d.Value);
            }

            chosen = index >= 0 ? _topLevel[index].Entry : -1;
            if (chosen < 0)
            {
                _warnings.Add(d.Origin with { Message = $"default={d.Value} names no top-level menu entry; no entry is marked default" });
            }
        }
        else if (_topLevel.Count > 0)
        {
            chosen = _topLevel[0].Entry; // GRUB boots the first item when nothing is set
        }

        var entries = _entries.Select((e, i) => e with { IsDefault = i == chosen, Order = i }).ToList();
        return new GrubConversion(_files[0], entries, _warnings, _files) { Timeout = _timeout };
    }

    private void ParseFile(string file, string text, int depth, IReadOnlyList<string> submenus) =>
        ParseCommands(file, GrubLexer.Commands(text), 0, int.MaxValue, depth, submenus);

    private void ParseCommands(string file, List<IReadOnlyList<GrubWord>> commands, int start, int end, int depth, IReadOnlyList<string> submenus)
    {
        end = Math.Min(end, commands.Count);
        for (int i = start; i < end; i++)
        {
            if (++_commands > GrubConfigParser.MaxCommands)
            {
                _warnings.Add(GrubConfigParser.Warning(file, commands[i], $"the configuration has more than {GrubConfigParser.MaxCommands} commands; the rest is not read"));
                return;
            }

            var command = Unwrap(commands[i]);
            if (command is null)
            {
                continue;
            }

            string name = command[0].Raw;
            if (GrubConfigParser.IsAssignment(name))
            {
                Set(file, [new GrubWord([("set", false)], command[0].Line), .. command], submenus.Count == 0);
                continue;
            }

            switch (name)
            {
                case "menuentry":
                case "submenu":
                    int close = Block(file, commands, i, end);
                    var (title, id) = Title(command);
                    if (name == "submenu")
                    {
                        if (submenus.Count == 0)
                        {
                            _topLevel.Add((-1, title, id));
                        }

                        ParseCommands(file, commands, i + 2, close, depth, [.. submenus, title]);
                    }
                    else
                    {
                        Entry(file, command, commands, i + 2, close, title, id, submenus);
                    }

                    i = close;
                    continue;
                case "function":
                    i = Block(file, commands, i, end);
                    continue;
                case "set":
                    Set(file, command, submenus.Count == 0);
                    continue;
                case "source":
                case "configfile":
                case ".":
                    Include(file, command, depth, submenus);
                    continue;
                case "{" or "}":
                    _warnings.Add(GrubConfigParser.Warning(file, command, $"'{name}' without a menuentry, submenu or function; ignored"));
                    continue;
            }

            if (!GrubConfigParser.IsLookOnly(name))
            {
                _warnings.Add(GrubConfigParser.Warning(file, command, GrubEntryTranslator.IsEntryCommand(name)
                    ? $"'{name}' outside a menuentry is not translated"
                    : $"'{name}' is not a command PxePowerShell translates"));
            }
        }
    }

    /// <summary>The command without if/then/elif/else/fi/while/do/done keywords (the condition is not evaluated); null when nothing is left to run.</summary>
    private IReadOnlyList<GrubWord>? Unwrap(IReadOnlyList<GrubWord> command)
    {
        string first = command[0].Raw;
        switch (first)
        {
            case "if" or "while" or "until":
                _conditionDepth++;
                return null; // the condition: a test, a probe or a look-only command
            case "elif":
                return null;
            case "fi" or "done":
                _conditionDepth = Math.Max(0, _conditionDepth - 1);
                return command.Count > 1 ? Unwrap(command.Skip(1).ToList()) : null;
            case "then" or "else" or "do":
                return command.Count > 1 ? Unwrap(command.Skip(1).ToList()) : null;
            default:
                return command;
        }
    }

    /// <summary>The index of the "}" that closes the block opened right after command <paramref name="at"/> (or the end, with a warning).</summary>
    private int Block(string file, List<IReadOnlyList<GrubWord>> commands, int at, int end)
    {
        if (at + 1 >= end || !commands[at + 1][0].Is("{"))
        {
            _warnings.Add(GrubConfigParser.Warning(file, commands[at], "no '{' follows; the block is not read"));
            return at;
        }

        int nesting = 0;
        for (int i = at + 1; i < end; i++)
        {
            if (commands[i][0].Is("{"))
            {
                nesting++;
            }
            else if (commands[i][0].Is("}") && --nesting == 0)
            {
                return i;
            }
        }

        _warnings.Add(GrubConfigParser.Warning(file, commands[at], "the block is not closed with '}'; read to the end of the file"));
        return end;
    }

    private static (string Title, string? Id) Title(IReadOnlyList<GrubWord> command)
    {
        string? title = null, id = null;
        var empty = new Dictionary<string, string>(GrubConfigParser.BuiltinVariables);
        for (int i = 1; i < command.Count; i++)
        {
            string word = command[i].Expand([], empty);
            if (word is "--class" or "--users" or "--hotkey" or "--id" && i + 1 < command.Count)
            {
                string value = command[++i].Expand([], empty);
                id = word == "--id" ? value : id;
            }
            else if (word.StartsWith("--", StringComparison.Ordinal))
            {
                id = word.StartsWith("--id=", StringComparison.Ordinal) ? word[5..] : id;
            }
            else
            {
                title ??= word;
            }
        }

        return (title ?? "entry", id);
    }

    private void Entry(string file, IReadOnlyList<GrubWord> command, List<IReadOnlyList<GrubWord>> commands, int start, int end, string title, string? id, IReadOnlyList<string> submenus)
    {
        if (_conditionDepth > 0)
        {
            _warnings.Add(GrubConfigParser.Warning(file, command, "the menuentry stands inside an if/while whose condition is not evaluated; it is translated as if the condition held"));
        }

        var body = commands.Skip(start).Take(Math.Max(0, Math.Min(end, commands.Count) - start)).ToList();
        var translated = GrubEntryTranslator.Translate(file, command, body, new Dictionary<string, string>(_variables), Resolve, _warnings);
        if (submenus.Count == 0)
        {
            _topLevel.Add((translated is null ? -1 : _entries.Count, title, id));
        }

        if (translated is null)
        {
            return;
        }

        string label = submenus.Count > 0 ? string.Join(" / ", submenus) + " / " + title : title;
        _entries.Add(translated with { Name = _names.Claim(SyslinuxTranslator.NameFor(namePrefix, id ?? title)), Label = label });
    }

    private string Resolve(string path) => SyslinuxTranslator.ResolvePath(path, rootPrefix, rootPrefix, rootDirectory);

    private void Set(string file, IReadOnlyList<GrubWord> command, bool topLevel)
    {
        if (command.Count < 2)
        {
            return;
        }

        var unknown = new List<string>();
        string assignment = string.Concat(command.Skip(1).Select(w => w.Expand(unknown, _variables)));
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return;
        }

        string name = assignment[..equals], value = assignment[(equals + 1)..];
        if (unknown.Count > 0)
        {
            _variables.Remove(name);
            if (name is "default" or "timeout")
            {
                _warnings.Add(GrubConfigParser.Warning(file, command, $"{name} is set from ${unknown[0]}, which PxePowerShell cannot know; not translated"));
            }

            return;
        }

        _variables[name] = value;
        if (!topLevel)
        {
            return;
        }

        if (name == "default")
        {
            _default = (value, GrubConfigParser.Warning(file, command, string.Empty));
        }
        else if (name == "timeout")
        {
            _timeout = GrubConfigParser.Timeout(value);
            string message = _timeout is null
                ? $"timeout={value} boots the default at once (or is not a number); the generated menus always show: set settings.timeoutSeconds in boot-entries.json"
                : $"the menu {(_timeout == TimeSpan.Zero ? "waits for ever" : $"waits {_timeout.Value.TotalSeconds} s")}; entries carry no timeout: set settings.timeoutSeconds to {_timeout.Value.TotalSeconds} in boot-entries.json for the generated menus to wait the same";
            if (_timeout != new BootMenuSettings().Timeout)
            {
                _warnings.Add(GrubConfigParser.Warning(file, command, message));
            }
        }
    }

    private void Include(string file, IReadOnlyList<GrubWord> command, int depth, IReadOnlyList<string> submenus)
    {
        var unknown = new List<string>();
        string? target = command.Count > 1 ? GrubConfigParser.WithoutDevice(command[1].Expand(unknown, _variables)) : null;
        if (target is null || unknown.Count > 0)
        {
            _warnings.Add(GrubConfigParser.Warning(file, command, unknown.Count > 0
                ? $"the file to read names ${unknown[0]}, which PxePowerShell cannot know; not read"
                : "no file PxePowerShell can read is named; not read"));
            return;
        }

        string path = SyslinuxTranslator.ResolvePath(target, string.Empty, string.Empty, rootDirectory);
        if (depth + 1 > GrubConfigParser.MaxIncludeDepth || _includeStack.Contains(path, StringComparer.Ordinal))
        {
            _warnings.Add(GrubConfigParser.Warning(file, command, $"{path} is nested too deep or includes itself; not read"));
            return;
        }

        string? text;
        try
        {
            text = read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            _warnings.Add(GrubConfigParser.Warning(file, command, $"{path} cannot be read: {ex.Message}"));
            return;
        }

        if (text is null)
        {
            _warnings.Add(GrubConfigParser.Warning(file, command, $"{path}: the file does not exist"));
            return;
        }

        _includeStack.Add(path);
        _files.Add(path);
        ParseFile(path, text, depth + 1, submenus);
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }
}
