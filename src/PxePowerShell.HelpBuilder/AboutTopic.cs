using System.Text.RegularExpressions;

namespace PxePowerShell.HelpBuilder;

/// <summary>Turns docs/about_*.md into the plain-text about_ topic Get-Help shows.</summary>
internal static class AboutTopic
{
    public static string ToText(string markdown)
    {
        var lines = new List<string>();
        foreach (var raw in markdown.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            if (raw.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var heading = Regex.Match(raw, @"^(#+)\s+(.*)$");
            lines.Add(heading.Success
                ? (heading.Groups[1].Value.Length <= 2 ? heading.Groups[2].Value.ToUpperInvariant() : heading.Groups[2].Value)
                : "    " + raw);
        }

        return string.Join(Environment.NewLine, lines).TrimEnd() + Environment.NewLine;
    }
}
