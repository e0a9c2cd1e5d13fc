using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PxePowerShell.Engine.Net;

/// <summary>
/// A 48-bit hardware address. Parses the common notations — <c>AA:BB:CC:DD:EE:FF</c>, <c>aa-bb-cc-dd-ee-ff</c>,
/// <c>aabb.ccdd.eeff</c> (Cisco), <c>AABBCCDDEEFF</c>, and one-digit groups such as <c>a:b:c:d:e:f</c> — and
/// always prints the canonical lower-case hyphenated form <c>aa-bb-cc-dd-ee-ff</c> (the DhcpServer module's ClientId form).
/// </summary>
public readonly record struct MacAddress : IComparable<MacAddress>
{
    private readonly ulong _value;

    private MacAddress(ulong value) => _value = value;

    /// <summary>The address as a 48-bit number (first octet most significant).</summary>
    public ulong Value => _value;

    /// <summary>Builds an address from its six octets.</summary>
    public static MacAddress FromBytes(ReadOnlySpan<byte> octets)
    {
        if (octets.Length != 6)
        {
            throw new ArgumentException("A MAC address has exactly 6 octets.", nameof(octets));
        }

        ulong value = 0;
        foreach (byte b in octets)
        {
            value = (value << 8) | b;
        }

        return new MacAddress(value);
    }

    /// <summary>Parses any common notation; throws <see cref="FormatException"/> saying what is accepted.</summary>
    public static MacAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var mac)
            ? mac
            : throw new FormatException($"'{text}' is not a MAC address; use six hex octets such as aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF, aabb.ccdd.eeff or AABBCCDDEEFF.");
    }

    /// <summary>Parses any common notation.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out MacAddress mac) => TryParse(text.AsSpan(), out mac) && text is not null;

    /// <summary>Parses any common notation.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress mac)
    {
        mac = default;
        text = text.Trim();
        if (text.Length == 12)
        {
            return TryHex(text, out ulong compact) && Set(compact, out mac);
        }

        if (text.Length == 14 && text[4] == '.' && text[9] == '.')
        {
            return TryHex(text[..4], out ulong a) && TryHex(text.Slice(5, 4), out ulong b) && TryHex(text.Slice(10, 4), out ulong c)
                && Set((a << 32) | (b << 16) | c, out mac);
        }

        if (text.Length is < 11 or > 17)
        {
            return false;
        }

        char separator = text.IndexOfAny(':', '-') is int first and >= 0 ? text[first] : '\0';
        if (separator == '\0')
        {
            return false;
        }

        ulong value = 0;
        int groups = 0;
        while (true)
        {
            int end = text.IndexOf(separator);
            var group = end < 0 ? text : text[..end];
            if (group.Length is < 1 or > 2 || !TryHex(group, out ulong octet) || ++groups > 6)
            {
                return false;
            }

            value = (value << 8) | octet;
            if (end < 0)
            {
                break;
            }

            text = text[(end + 1)..];
        }

        return groups == 6 && Set(value, out mac);
    }

    /// <summary>The canonical form <c>aa-bb-cc-dd-ee-ff</c> of any common notation; throws <see cref="FormatException"/> when it is not one.</summary>
    public static string Normalize(string text) => Parse(text).ToString();

    /// <summary>The canonical form of <paramref name="text"/>, or false when it is not a MAC address.</summary>
    public static bool TryNormalize([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? normalized)
    {
        if (TryParse(text, out var mac))
        {
            normalized = mac.ToString();
            return true;
        }

        normalized = null;
        return false;
    }

    /// <summary>
    /// Normalizes a hardware address or client identifier of any length from 1 to 16 octets (what DHCP's chaddr carries,
    /// hence what a reservation may name) to lower-case hyphenated hex; the octets may be separated by '-', ':', '.' or
    /// spaces, or not at all. False when the text is not such an address.
    /// </summary>
    public static bool TryNormalizeHardwareAddress([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        Span<byte> octets = stackalloc byte[16];
        octets.Clear();
        int digits = 0;
        foreach (char c in text.AsSpan().Trim())
        {
            if (c is '-' or ':' or '.' or ' ')
            {
                continue;
            }

            if (!TryHex([c], out ulong digit) || digits >= 32)
            {
                return false;
            }

            octets[digits / 2] = (byte)((octets[digits / 2] << 4) | (int)digit);
            digits++;
        }

        if (digits < 2 || digits % 2 != 0)
        {
            return false;
        }

        normalized = Format(octets[..(digits / 2)]);
        return true;
    }

    /// <summary>
    /// <see cref="TryNormalizeHardwareAddress"/> or a <see cref="FormatException"/> naming the bad text.
    /// </summary>
    public static string NormalizeHardwareAddress(string text) =>
        TryNormalizeHardwareAddress(text, out var normalized)
            ? normalized
            : throw new FormatException($"'{text}' is not a MAC address; use aa-bb-cc-dd-ee-ff.");

    /// <summary>
    /// Formats hardware address octets of any length as lower-case hyphenated hex (six octets give the canonical
    /// <c>aa-bb-cc-dd-ee-ff</c>); empty for no octets.
    /// </summary>
    public static string Format(ReadOnlySpan<byte> octets)
    {
        if (octets.IsEmpty)
        {
            return string.Empty;
        }

        Span<char> text = octets.Length <= 64 ? stackalloc char[(octets.Length * 3) - 1] : new char[(octets.Length * 3) - 1];
        const string digits = "0123456789abcdef";
        for (int i = 0; i < octets.Length; i++)
        {
            if (i > 0)
            {
                text[(i * 3) - 1] = '-';
            }

            text[i * 3] = digits[octets[i] >> 4];
            text[(i * 3) + 1] = digits[octets[i] & 0xF];
        }

        return new string(text);
    }

    /// <summary>Writes the six octets into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        for (int i = 0; i < 6; i++)
        {
            destination[i] = (byte)(_value >> (8 * (5 - i)));
        }
    }

    /// <summary>The twelve hex digits without separators, lower case (<c>aabbccddeeff</c>).</summary>
    public string ToCompactString() => _value.ToString("x12", CultureInfo.InvariantCulture);

    /// <summary>The canonical form <c>aa-bb-cc-dd-ee-ff</c>.</summary>
    public override string ToString()
    {
        Span<byte> octets = stackalloc byte[6];
        CopyTo(octets);
        return Format(octets);
    }

    /// <inheritdoc />
    public int CompareTo(MacAddress other) => _value.CompareTo(other._value);

    /// <summary>Orders addresses numerically.</summary>
    public static bool operator <(MacAddress left, MacAddress right) => left.CompareTo(right) < 0;

    /// <summary>Orders addresses numerically.</summary>
    public static bool operator >(MacAddress left, MacAddress right) => left.CompareTo(right) > 0;

    /// <summary>Orders addresses numerically.</summary>
    public static bool operator <=(MacAddress left, MacAddress right) => left.CompareTo(right) <= 0;

    /// <summary>Orders addresses numerically.</summary>
    public static bool operator >=(MacAddress left, MacAddress right) => left.CompareTo(right) >= 0;

    private static bool Set(ulong value, out MacAddress mac)
    {
        mac = new MacAddress(value);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        foreach (char c in text)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return text.Length > 0;
    }
}
