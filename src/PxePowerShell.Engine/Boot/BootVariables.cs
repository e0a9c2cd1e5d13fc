using System.Text;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Variables that imported menus write into kernel command lines and paths (<c>${pxeserver}</c> in archiso's pxelinux
/// menu, <c>$net_default_server</c> in a GRUB netboot menu): the ones that name the boot server become the entry
/// placeholder <c>{server}</c>; any other is reported, because no menu the module renders can fill it in. Pure.
/// </summary>
internal static class BootVariables
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["pxeserver"] = "{server}",
        ["next-server"] = "{server}",
        ["net0/next-server"] = "{server}",
        ["net_default_server"] = "{server}",
        ["pxe_default_server"] = "{server}",
    };

    /// <summary>
    /// Replaces every <c>${name}</c> (and, with <paramref name="bare"/>, GRUB's <c>$name</c>) that <paramref name="values"/>
    /// or the known server variables define; adds each other name to <paramref name="unknown"/> and leaves it as written.
    /// </summary>
    public static string Translate(string text, List<string> unknown, bool bare = false, IReadOnlyDictionary<string, string>? values = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(unknown);
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            int start, end, next;
            if (text[i + 1] == '{')
            {
                start = i + 2;
                end = text.IndexOf('}', start);
                if (end < 0)
                {
                    result.Append(text[i]);
                    continue;
                }

                next = end + 1;
            }
            else if (bare && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))
            {
                start = i + 1;
                end = start;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                next = end;
            }
            else
            {
                result.Append(text[i]);
                continue;
            }

            string name = text[start..end];
            if (values is not null && values.TryGetValue(name, out var value))
            {
                result.Append(value);
            }
            else if (Known.TryGetValue(name, out var placeholder))
            {
                result.Append(placeholder);
            }
            else
            {
                if (!unknown.Contains(name))
                {
                    unknown.Add(name);
                }

                result.Append(text, i, next - i);
            }

            i = next - 1;
        }

        return result.ToString();
    }
}
