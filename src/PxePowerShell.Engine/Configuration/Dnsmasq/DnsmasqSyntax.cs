using System.Globalization;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>The value syntax dnsmasq options share: comma-separated fields with double quotes, lease times, CSA names.</summary>
internal static class DnsmasqSyntax
{
    /// <summary>True when <paramref name="value"/> opens a double quote it never closes (dnsmasq refuses such a line).</summary>
    public static bool HasUnterminatedQuote(string? value) => value is not null && value.Count(c => c == '"') % 2 == 1;

    /// <summary>Splits on commas outside double quotes; quotes are removed, fields trimmed.</summary>
    public static List<string> Fields(string? value)
    {
        var fields = new List<string>();
        if (string.IsNullOrEmpty(value))
        {
            return fields;
        }

        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char ch in value)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ',' && !quoted)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString().Trim());
        return fields;
    }

    /// <summary>A dnsmasq lease time ("45m", "12h", "2d", "1w", "3600", "infinite": 0xffffffff seconds, as dnsmasq sends it), or null.</summary>
    public static TimeSpan? Lease(string text)
    {
        if (text.Equals("infinite", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.FromSeconds(uint.MaxValue);
        }

        if (text.Length < 1)
        {
            return null;
        }

        char unit = char.ToLowerInvariant(text[^1]);
        string digits = char.IsDigit(unit) ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return unit switch
        {
            's' or >= '0' and <= '9' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }

    /// <summary>A pxe-service client system type (dnsmasq's CSA names or a number), or null.</summary>
    public static ClientArchitecture? Csa(string name) => name.ToUpperInvariant() switch
    {
        "X86PC" => ClientArchitecture.Bios,
        "PC98" => ClientArchitecture.NecPc98,
        "IA64_EFI" => ClientArchitecture.Itanium,
        "ALPHA" => ClientArchitecture.DecAlpha,
        "ARC_X86" => ClientArchitecture.ArcX86,
        "INTEL_LEAN_CLIENT" => ClientArchitecture.IntelLeanClient,
        "IA32_EFI" => ClientArchitecture.EfiIA32,
        "X86-64_EFI" => ClientArchitecture.EfiX64,
        "XSCALE_EFI" => ClientArchitecture.EfiXScale,
        "BC_EFI" => ClientArchitecture.EfiBC,
        "ARM32_EFI" => ClientArchitecture.EfiArm32,
        "ARM64_EFI" => ClientArchitecture.EfiArm64,
        _ => ushort.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && Enum.IsDefined((ClientArchitecture)n) ? (ClientArchitecture)n : null,
    };
}
