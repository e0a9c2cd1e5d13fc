namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>
/// Reads dnsmasq's configuration syntax: one option per line ("key=value" or a bare flag, an optional leading "--"),
/// '#' comments, and the conf-file= and conf-dir= includes (conf-dir with its ",.ext" exclusions and "*.conf"
/// selections), bounded in depth, loops refused. I/O only; the meaning is <see cref="DnsmasqConverter"/>'s.
/// </summary>
internal static class DnsmasqConfigReader
{
    /// <summary>How deep includes may nest.</summary>
    public const int MaxDepth = 8;

    /// <summary>Reads <paramref name="path"/> and its includes, in order.</summary>
    /// <exception cref="FileNotFoundException">The main file does not exist.</exception>
    public static (IReadOnlyList<DnsmasqOption> Options, IReadOnlyList<DnsmasqWarning> Warnings, IReadOnlyList<string> Files) Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The dnsmasq configuration '{full}' does not exist.", full);
        }

        var options = new List<DnsmasqOption>();
        var warnings = new List<DnsmasqWarning>();
        var files = new List<string>();
        ReadFile(full, 0, new Stack<string>(), options, warnings, files);
        return (options, warnings, files);
    }

    /// <summary>Parses the lines of one file (no includes followed).</summary>
    public static IEnumerable<DnsmasqOption> Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            string line = StripComment(raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                line = line[2..];
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0
                ? new DnsmasqOption(line.ToLowerInvariant(), null, file, number)
                : new DnsmasqOption(line[..eq].Trim().ToLowerInvariant(), line[(eq + 1)..].Trim(), file, number);
        }
    }

    private static void ReadFile(string file, int depth, Stack<string> chain, List<DnsmasqOption> options, List<DnsmasqWarning> warnings, List<string> files)
    {
        if (chain.Contains(file, StringComparer.Ordinal))
        {
            warnings.Add(new DnsmasqWarning(chain.Peek(), 0, file, $"include loop: {file} includes itself through {string.Join(" -> ", chain.Reverse())}; not read again"));
            return;
        }

        if (depth > MaxDepth)
        {
            warnings.Add(new DnsmasqWarning(chain.Peek(), 0, file, $"includes nest deeper than {MaxDepth}; not read"));
            return;
        }

        files.Add(file);
        chain.Push(file);
        try
        {
            foreach (var option in Parse(ReadText(file, warnings), file))
            {
                switch (option.Key)
                {
                    case "conf-file" when option.Value is { Length: > 0 } included:
                        string target = Resolve(file, included);
                        if (File.Exists(target))
                        {
                            ReadFile(target, depth + 1, chain, options, warnings, files);
                        }
                        else
                        {
                            warnings.Add(new DnsmasqWarning(option.File, option.Line, $"conf-file={included}", $"{target} does not exist; nothing read"));
                        }

                        break;
                    case "conf-dir" when option.Value is { Length: > 0 } value:
                        ReadDirectory(file, option, value, depth, chain, options, warnings, files);
                        break;
                    default:
                        options.Add(option);
                        break;
                }
            }
        }
        finally
        {
            chain.Pop();
        }
    }

    /// <summary>The file's text; a line that is not valid UTF-8 is a warning and left out (read as empty).</summary>
    private static string ReadText(string file, List<DnsmasqWarning> warnings)
    {
        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        byte[] bytes = File.ReadAllBytes(file);
        var lines = new List<string>();
        int start = 0;
        for (int number = 1; start <= bytes.Length; number++)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            end = end < 0 ? bytes.Length : end;
            try
            {
                lines.Add(strict.GetString(bytes, start, end - start));
            }
            catch (System.Text.DecoderFallbackException)
            {
                warnings.Add(new DnsmasqWarning(file, number, System.Text.Encoding.UTF8.GetString(bytes, start, end - start).Trim(), "not valid UTF-8: the line is not translated"));
                lines.Add(string.Empty);
            }

            start = end + 1;
        }

        return string.Join('\n', lines).TrimStart('\uFEFF');
    }

    private static void ReadDirectory(string file, DnsmasqOption option, string value, int depth, Stack<string> chain, List<DnsmasqOption> options, List<DnsmasqWarning> warnings, List<string> files)
    {
        var parts = value.Split(',');
        string directory = Resolve(file, parts[0].Trim());
        if (!Directory.Exists(directory))
        {
            warnings.Add(new DnsmasqWarning(option.File, option.Line, $"conf-dir={value}", $"{directory} does not exist; nothing read"));
            return;
        }

        var excluded = parts.Skip(1).Select(p => p.Trim()).Where(p => p.Length > 0 && !p.StartsWith('*')).ToList();
        var selected = parts.Skip(1).Select(p => p.Trim()).Where(p => p.StartsWith("*.", StringComparison.Ordinal)).Select(p => p[1..]).ToList();
        foreach (var entry in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileName(entry);
            bool hidden = name.StartsWith('.') || name.EndsWith('~') || (name.StartsWith('#') && name.EndsWith('#'));
            if (hidden || excluded.Any(e => name.EndsWith(e, StringComparison.Ordinal)) || (selected.Count > 0 && !selected.Any(s => name.EndsWith(s, StringComparison.Ordinal))))
            {
                continue;
            }

            ReadFile(entry, depth + 1, chain, options, warnings, files);
        }
    }

    private static string Resolve(string from, string path) =>
        System.IO.Path.IsPathRooted(path) ? System.IO.Path.GetFullPath(path) : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(from)!, path));

    private static string StripComment(string line)
    {
        // '#' starts a comment at the start of a line or after whitespace; quoted text keeps it.
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
