using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Parses MAC addresses in the common notations (aa-bb-cc-dd-ee-ff, aa:bb:..., aabb.ccdd.eeff, aabbccddeeff).</summary>
public static class MacAddresses
{
    /// <summary>Normalizes to lower-case <c>aa-bb-cc-dd-ee-ff</c>; false when the text is not a MAC address.</summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        Span<char> hex = stackalloc char[40];
        int n = 0;
        foreach (char c in text.Trim())
        {
            if (c is '-' or ':' or '.' or ' ')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || n >= hex.Length)
            {
                return false;
            }

            hex[n++] = char.ToLowerInvariant(c);
        }

        if (n < 2 || n % 2 != 0 || n > 32)
        {
            return false;
        }

        var sb = new System.Text.StringBuilder((n / 2 * 3) - 1);
        for (int i = 0; i < n; i += 2)
        {
            if (i > 0)
            {
                sb.Append('-');
            }

            sb.Append(hex[i]).Append(hex[i + 1]);
        }

        normalized = sb.ToString();
        return true;
    }

    /// <summary>Normalizes or throws <see cref="FormatException"/> naming the bad text.</summary>
    public static string Normalize(string text) =>
        TryNormalize(text, out var n) ? n : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a MAC address; use aa-bb-cc-dd-ee-ff."));
}
