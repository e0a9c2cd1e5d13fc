using System.Globalization;

namespace PxePowerShell.Engine.Http;

/// <summary>Entity tags: generation from a file's length and time, and matching of If-None-Match / If-Match lists.</summary>
internal static class EntityTag
{
    /// <summary>A strong tag from the modification time (Unix seconds) and length, like nginx: "5f3a1c2e-1000".</summary>
    public static string For(DateTimeOffset lastModified, long length) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{lastModified.ToUnixTimeSeconds():x}-{length:x}\"");

    /// <summary>
    /// True when <paramref name="list"/> ("*" or comma-separated tags) matches <paramref name="tag"/>. Weak
    /// comparison ignores W/ prefixes (If-None-Match); strong comparison never matches a weak tag (If-Match, If-Range).
    /// </summary>
    public static bool Matches(string list, string tag, bool weak)
    {
        var rest = list.AsSpan().Trim();
        if (rest.SequenceEqual("*"))
        {
            return true;
        }

        while (rest.Length > 0)
        {
            int comma = rest.IndexOf(',');
            var item = (comma < 0 ? rest : rest[..comma]).Trim(" \t");
            bool isWeak = item.StartsWith("W/", StringComparison.Ordinal);
            if (isWeak)
            {
                item = item[2..];
            }

            if ((weak || !isWeak) && item.SequenceEqual(tag))
            {
                return true;
            }

            rest = comma < 0 ? default : rest[(comma + 1)..];
        }

        return false;
    }
}
