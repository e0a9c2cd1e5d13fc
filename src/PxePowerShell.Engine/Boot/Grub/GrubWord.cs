namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>
/// One word of a GRUB script as written: its parts, each either open to variable expansion (bare or double-quoted)
/// or literal (single-quoted or backslash-escaped). A word that is only the reserved <c>{</c> or <c>}</c> is a brace.
/// </summary>
/// <param name="Parts">The text pieces, in order, with whether each is literal.</param>
/// <param name="Line">The 1-based line the word starts on.</param>
internal sealed record GrubWord(IReadOnlyList<(string Text, bool Literal)> Parts, int Line)
{
    /// <summary>The word's text with no variable expanded.</summary>
    public string Raw => string.Concat(Parts.Select(p => p.Text));

    /// <summary>True when the word is the unquoted reserved word <paramref name="text"/> (<c>{</c>, <c>}</c>, <c>if</c>...).</summary>
    public bool Is(string text) => Parts.Count == 1 && !Parts[0].Literal && Parts[0].Text == text;

    /// <summary>The word with <c>$name</c> and <c>${name}</c> expanded where GRUB expands them (see <see cref="BootVariables"/>).</summary>
    public string Expand(List<string> unknown, IReadOnlyDictionary<string, string> values)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (part, literal) in Parts)
        {
            text.Append(literal ? part : BootVariables.Translate(part, unknown, bare: true, values));
        }

        return text.ToString();
    }
}
