using System.Text.RegularExpressions;

namespace PxePowerShell.HelpBuilder;

/// <summary>One cmdlet's help page, parsed from docs/cmdlets/Verb-Noun.md.</summary>
internal sealed record CmdletPage(
    string Name,
    string Synopsis,
    string Description,
    IReadOnlyList<string> Syntax,
    IReadOnlyList<HelpParameter> Parameters,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<HelpExample> Examples,
    string Notes,
    IReadOnlyList<string> Links)
{
    public static CmdletPage Parse(string path)
    {
        var lines = File.ReadAllLines(path);
        string name = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim()
            ?? throw new FormatException($"{path}: the page has no '# Cmdlet-Name' title.");
        var sections = Split(lines, "## ");
        string Section(string key) => sections.TryGetValue(key, out var v) ? Text(v) : string.Empty;

        string synopsis = Section("SYNOPSIS");
        if (synopsis.Length == 0)
        {
            throw new FormatException($"{path}: ## SYNOPSIS is empty.");
        }

        var parameters = new List<HelpParameter>();
        if (sections.TryGetValue("PARAMETERS", out var parameterLines))
        {
            foreach (var (heading, body) in SplitList(parameterLines, "### "))
            {
                parameters.Add(HelpParameter.Parse(heading, body, path));
            }
        }

        var examples = new List<HelpExample>();
        if (sections.TryGetValue("EXAMPLES", out var exampleLines))
        {
            foreach (var (heading, body) in SplitList(exampleLines, "### "))
            {
                examples.Add(HelpExample.Parse(heading, body, path));
            }
        }

        if (examples.Count == 0)
        {
            throw new FormatException($"{path}: every cmdlet needs at least one example under ## EXAMPLES.");
        }

        var syntax = sections.TryGetValue("SYNTAX", out var syntaxLines)
            ? syntaxLines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("```", StringComparison.Ordinal)).Select(l => l.Trim()).ToList()
            : [];

        return new CmdletPage(
            name,
            synopsis,
            Section("DESCRIPTION"),
            syntax,
            parameters,
            Headings(sections, "INPUTS"),
            Headings(sections, "OUTPUTS"),
            examples,
            Section("NOTES"),
            sections.TryGetValue("RELATED LINKS", out var links) ? links.Select(l => l.Trim().TrimStart('-', '*', ' ')).Where(l => l.Length > 0).ToList() : []);
    }

    private static List<string> Headings(Dictionary<string, List<string>> sections, string key) =>
        sections.TryGetValue(key, out var lines)
            ? lines.Where(l => l.StartsWith("### ", StringComparison.Ordinal)).Select(l => l[4..].Trim()).ToList()
            : [];

    internal static string Text(IEnumerable<string> lines) => string.Join('\n', lines).Trim();

    private static Dictionary<string, List<string>> Split(string[] lines, string marker)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (heading, body) in SplitList([.. lines], marker))
        {
            result[heading] = body;
        }

        return result;
    }

    internal static List<(string Heading, List<string> Body)> SplitList(List<string> lines, string marker)
    {
        var result = new List<(string, List<string>)>();
        List<string>? current = null;
        bool inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }

            if (!inCode && line.StartsWith(marker, StringComparison.Ordinal))
            {
                current = [];
                result.Add((line[marker.Length..].Trim(), current));
                continue;
            }

            current?.Add(line);
        }

        return result;
    }
}

/// <summary>A parameter: "### -Name &lt;string[]&gt;" then text with "Required: true. Position: 0. Pipeline: ByValue, ByPropertyName. Default: x. Aliases: a, b. Wildcards: true."</summary>
internal sealed partial record HelpParameter(string Name, string Type, string Description, bool Required, string Position, string PipelineInput, string DefaultValue, string Aliases, bool Globbing)
{
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase) || Type.Length == 0;

    public static HelpParameter Parse(string heading, List<string> body, string path)
    {
        var match = HeadingPattern().Match(heading);
        if (!match.Success)
        {
            throw new FormatException($"{path}: parameter heading '{heading}' is not '-Name <type>'.");
        }

        string text = CmdletPage.Text(body);
        string Field(string key, string fallback)
        {
            var m = Regex.Match(text, key + @":\s*([^.\n]+(?:\.\d+)?)\.?", RegexOptions.IgnoreCase);
            return m.Success ? m.Groups[1].Value.Trim() : fallback;
        }

        string description = FieldPattern().Replace(text, string.Empty).Trim();
        string pipeline = Field("Pipeline", "False");
        string type = match.Groups[2].Success ? match.Groups[2].Value.Trim() : "SwitchParameter";
        return new HelpParameter(
            match.Groups[1].Value,
            type,
            description,
            Field("Required", "false").StartsWith("true", StringComparison.OrdinalIgnoreCase),
            Field("Position", "named"),
            pipeline.Equals("False", StringComparison.OrdinalIgnoreCase) ? "False" : $"True ({pipeline})",
            Field("Default", "None"),
            Field("Aliases", "none"),
            Field("Wildcards", "false").StartsWith("true", StringComparison.OrdinalIgnoreCase));
    }

    [GeneratedRegex(@"^-(\w+)(?:\s*<([^>]+)>)?\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"\b(Required|Position|Pipeline|Default|Aliases|Wildcards):\s*[^.\n]+(?:\.\d+)?\.?", RegexOptions.IgnoreCase)]
    private static partial Regex FieldPattern();
}

/// <summary>An example: a title, a ```powershell block, and the text after it.</summary>
internal sealed record HelpExample(string Title, string Code, string Remarks)
{
    public static HelpExample Parse(string heading, List<string> body, string path)
    {
        int open = body.FindIndex(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        int close = open < 0 ? -1 : body.FindIndex(open + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        if (open < 0 || close < 0)
        {
            throw new FormatException($"{path}: example '{heading}' has no ```powershell code block.");
        }

        return new HelpExample(heading, string.Join('\n', body.Skip(open + 1).Take(close - open - 1)), CmdletPage.Text(body.Skip(close + 1)));
    }
}
