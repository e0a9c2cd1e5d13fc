namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// A checker for generated grub.cfg files after GRUB's script lexer: quotes closed on the line, braces balanced,
/// if/elif/else/fi nested properly, menuentry lines well formed, "$" only for known variables outside single quotes,
/// and only known commands.
/// </summary>
internal static class GrubGrammar
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        "set", "if", "elif", "else", "fi", "menuentry", "}", "linux", "initrd", "multiboot2", "module2", "chainloader",
        "configfile", "exit", "echo",
    };

    private static readonly string[] Variables = ["$net_default_mac", "${pxeps_client}", "${grub_platform}", "${grub_cpu}", "$pxeps_key"];

    public static IReadOnlyList<string> Check(string config)
    {
        var errors = new List<string>();
        int braces = 0;
        int ifs = 0;
        var lines = config.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // Walk the line as GRUB's lexer does: single quotes are literal, double quotes allow $, backslash escapes.
            bool single = false;
            bool dbl = false;
            var unquotedDollar = new List<int>();
            for (int c = 0; c < line.Length; c++)
            {
                char ch = line[c];
                if (single)
                {
                    if (ch == '\'')
                    {
                        single = false;
                    }

                    continue;
                }

                if (ch == '\\')
                {
                    c++;
                    continue;
                }

                if (ch == '"')
                {
                    dbl = !dbl;
                    continue;
                }

                if (!dbl && ch == '\'')
                {
                    single = true;
                    continue;
                }

                if (ch == '$')
                {
                    unquotedDollar.Add(c);
                }

                if (!dbl)
                {
                    if (ch == '{')
                    {
                        braces++;
                    }
                    else if (ch == '}')
                    {
                        braces--;
                        if (braces < 0)
                        {
                            errors.Add($"line {lineNo}: unbalanced '}}'");
                            braces = 0;
                        }
                    }
                    else if (ch is ';' or '|' or '&' or '<' or '>' or '*' or '?' or '#' && !IsStructural(line, c))
                    {
                        errors.Add($"line {lineNo}: unquoted metacharacter '{ch}'");
                    }
                }
            }

            if (single || dbl)
            {
                errors.Add($"line {lineNo}: unterminated quote");
            }

            foreach (int at in unquotedDollar)
            {
                if (!Variables.Any(v => string.CompareOrdinal(line, at, v, 0, v.Length) == 0))
                {
                    errors.Add($"line {lineNo}: '$' expands something unexpected at column {at + 1}");
                }
            }

            string command = line.Split(' ', 2)[0];
            if (!Commands.Contains(command))
            {
                errors.Add($"line {lineNo}: unknown command '{command}'");
            }

            switch (command)
            {
                case "if":
                    ifs++;
                    if (line.EndsWith("; fi", StringComparison.Ordinal))
                    {
                        ifs--;
                    }

                    break;
                case "fi":
                    ifs--;
                    break;
                case "elif" or "else" when ifs <= 0:
                    errors.Add($"line {lineNo}: {command} outside if");
                    break;
                case "menuentry":
                    if (!System.Text.RegularExpressions.Regex.IsMatch(line, @"^menuentry '([^']|'\\'')*' --id \S+ \{$"))
                    {
                        errors.Add($"line {lineNo}: malformed menuentry: {line}");
                    }

                    break;
            }
        }

        if (braces != 0)
        {
            errors.Add($"{braces} unclosed '{{'");
        }

        if (ifs != 0)
        {
            errors.Add($"{ifs} unclosed if");
        }

        return errors;
    }

    /// <summary>The '; ' of "if …; then", "; fi" is structure, not data.</summary>
    private static bool IsStructural(string line, int at) =>
        line[at] == ';' && (line.AsSpan(at).StartsWith("; then") || line.AsSpan(at).StartsWith("; fi"));
}
