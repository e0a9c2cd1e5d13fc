using System.Management.Automation;

namespace PxePowerShell;

/// <summary>The part every argument completer shares: the candidates that start with what was typed, as completion results.</summary>
internal static class CompletionFilter
{
    /// <summary>
    /// The <paramref name="candidates"/> (value, tool tip) whose value starts with <paramref name="wordToComplete"/>
    /// (quotes ignored, case-insensitive), each once, in the order given.
    /// </summary>
    public static IEnumerable<CompletionResult> StartingWith(string? wordToComplete, IEnumerable<(string Value, string ToolTip)> candidates)
    {
        string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (value, tip) in candidates)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && seen.Add(value))
            {
                string text = value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`') ? $"'{value.Replace("'", "''", StringComparison.Ordinal)}'" : value;
                yield return new CompletionResult(text, value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(tip) ? value : tip);
            }
        }
    }
}
