namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// A checker for generated iPXE scripts, after iPXE's command parser (src/core/exec.c): "#!ipxe" first; a line is split on
/// white space; a word starting with '#' starts a comment; "||", "&amp;&amp;" and ";" separate commands; "${…}" expands a
/// setting. Generated scripts may only use known commands and settings, and every goto target must exist.
/// </summary>
internal static class IpxeGrammar
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        "set", "iseq", "goto", "menu", "item", "choose", "kernel", "initrd", "module", "boot", "chain", "sanboot", "exit", "echo", "imgargs",
    };

    private static readonly HashSet<string> Settings = new(StringComparer.Ordinal)
    {
        "${platform}", "${buildarch}", "${mac:hexhyp}", "${uuid}", "${pxeps-arch}", "${pxeps-client}", "${pxeps-target}", "${pxeps-nil}",
    };

    public static IReadOnlyList<string> Check(string script)
    {
        var errors = new List<string>();
        var lines = script.Split('\n');
        if (lines[0] != "#!ipxe")
        {
            errors.Add("the script does not start with #!ipxe");
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        var gotos = new List<(int Line, string Target)>();
        var items = new List<(int Line, string Label)>();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int lineNo = i + 1;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith(':'))
            {
                string label = line[1..];
                if (label.Length == 0 || label.Any(char.IsWhiteSpace) || !labels.Add(label))
                {
                    errors.Add($"line {lineNo}: bad or duplicate label '{label}'");
                }

                continue;
            }

            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            bool commandStart = true;
            string? command = null;
            for (int w = 0; w < words.Length; w++)
            {
                string word = words[w];
                if (word.StartsWith('#'))
                {
                    errors.Add($"line {lineNo}: word '{word}' starts a comment");
                    break;
                }

                if (word is "||" or "&&" or ";")
                {
                    if (words[0] is not ("iseq" or "choose" or "goto"))
                    {
                        errors.Add($"line {lineNo}: separator '{word}' in a '{words[0]}' line (an unescaped metacharacter?)");
                    }

                    commandStart = true;
                    continue;
                }

                int at = 0;
                while ((at = word.IndexOf("${", at, StringComparison.Ordinal)) >= 0)
                {
                    int end = word.IndexOf('}', at);
                    string setting = end < 0 ? word[at..] : word[at..(end + 1)];
                    if (!Settings.Contains(setting))
                    {
                        errors.Add($"line {lineNo}: unexpected setting expansion '{setting}'");
                    }

                    at += 2;
                }

                if (commandStart)
                {
                    command = word;
                    commandStart = false;
                    if (!Commands.Contains(word))
                    {
                        errors.Add($"line {lineNo}: unknown command '{word}'");
                    }

                    if (word == "goto" && w + 1 < words.Length && !words[w + 1].Contains('$', StringComparison.Ordinal))
                    {
                        gotos.Add((lineNo, words[w + 1]));
                    }

                    if (word == "item")
                    {
                        int next = w + 1;
                        if (next < words.Length && words[next] == "--key")
                        {
                            next += 2;
                        }

                        if (next < words.Length)
                        {
                            items.Add((lineNo, words[next]));
                        }
                    }

                    if (word == "choose" && words.Contains("--default"))
                    {
                        gotos.Add((lineNo, words[Array.IndexOf(words, "--default") + 1]));
                    }
                }
            }
        }

        foreach (var (lineNo, target) in gotos.Concat(items))
        {
            if (!labels.Contains(target))
            {
                errors.Add($"line {lineNo}: target '{target}' has no label");
            }
        }

        return errors;
    }
}
