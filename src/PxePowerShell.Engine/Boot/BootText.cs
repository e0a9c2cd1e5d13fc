namespace PxePowerShell.Engine.Boot;

/// <summary>Text rules shared by the validator and the renderers.</summary>
internal static class BootText
{
    /// <summary>Characters never allowed in a path: they would need escaping in some format.</summary>
    private const string UnsafePathCharacters = "\"'`$\\{}();#,|&<>*?[]";

    /// <summary>True when <paramref name="text"/> holds a control character (new lines allowed when <paramref name="allowNewLines"/>).</summary>
    public static bool HasControl(string? text, bool allowNewLines = false)
    {
        if (text is null)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (allowNewLines && (c == '\n' || c == '\r' || c == '\t'))
            {
                continue;
            }

            if (char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why <paramref name="path"/> is not usable as a path or URL in every format, or null when it is.</summary>
    public static string? PathProblem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "the path is empty";
        }

        foreach (char c in path)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "the path contains white space or a control character";
            }

            if (UnsafePathCharacters.Contains(c, StringComparison.Ordinal))
            {
                return $"the path contains '{c}', which some boot loaders cannot read in a file name";
            }
        }

        if (BootRenderOptions.IsUrl(path))
        {
            return Uri.TryCreate(path, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? null : "the URL does not parse";
        }

        if (path.Contains("://", StringComparison.Ordinal))
        {
            return "only http://, https:// and tftp:// URLs are supported";
        }

        return Files.BootPath.TryParse(path, out _, out var reason) ? null : reason;
    }

    /// <summary>The label without '^' hotkey markers, and the hotkey (lower case) if one was marked.</summary>
    public static (string Text, char? Hotkey) SplitHotkey(string label)
    {
        int caret = label.IndexOf('^', StringComparison.Ordinal);
        if (caret < 0)
        {
            return (label, null);
        }

        char? key = caret + 1 < label.Length && char.IsAsciiLetterOrDigit(label[caret + 1]) ? char.ToLowerInvariant(label[caret + 1]) : null;
        return (label.Replace("^", string.Empty, StringComparison.Ordinal), key);
    }

    /// <summary>The lines of a help text (CR LF, CR or LF separated; tabs become spaces; trailing blanks trimmed).</summary>
    public static string[] Lines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\t', ' ').TrimEnd().Split('\n');

    /// <summary>The file name part of a path or URL.</summary>
    public static string FileName(string path)
    {
        string trimmed = path;
        int query = trimmed.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            trimmed = trimmed[..query];
        }

        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }
}
