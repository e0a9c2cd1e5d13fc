using System.Buffers.Binary;
using System.Globalization;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>DHCP unique identifiers (RFC 8415 section 11): text form, the MAC inside link-layer DUIDs, server DUIDs.</summary>
public static class Dhcp6Duid
{
    /// <summary>Longest DUID allowed (128 bytes of identifier plus the 2-byte type).</summary>
    public const int MaxLength = 130;

    private const ushort LinkLayerPlusTime = 1;
    private const ushort LinkLayer = 3;
    private const ushort Ethernet = 1;

    /// <summary>The DUID as hyphenated hex (<c>00-03-00-01-52-54-00-12-34-56</c>), the form leases and events carry.</summary>
    public static string ToText(ReadOnlySpan<byte> duid)
    {
        if (duid.IsEmpty)
        {
            return string.Empty;
        }

        return string.Create((duid.Length * 3) - 1, duid.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0)
                {
                    chars[(i * 3) - 1] = '-';
                }

                bytes[i].TryFormat(chars[(i * 3)..], out _, "x2", CultureInfo.InvariantCulture);
            }
        });
    }

    /// <summary>Parses hex with or without separators (<c>-</c>, <c>:</c>); false for anything else or a bad length.</summary>
    public static bool TryParse(string? text, out byte[] duid)
    {
        duid = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string hex = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        if (hex.Length < 6 || hex.Length % 2 != 0 || hex.Length > MaxLength * 2)
        {
            return false;
        }

        try
        {
            duid = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The Ethernet address in a DUID-LLT or DUID-LL (<c>aa-bb-cc-dd-ee-ff</c>), or null for other DUIDs.</summary>
    public static string? MacAddressOf(ReadOnlySpan<byte> duid)
    {
        if (duid.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(duid[2..]) != Ethernet)
        {
            return null;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(duid);
        ReadOnlySpan<byte> address = type switch
        {
            LinkLayerPlusTime when duid.Length == 14 => duid[8..],
            LinkLayer when duid.Length == 10 => duid[4..],
            _ => default,
        };
        return address.Length == 6 ? ToText(address) : null;
    }

    /// <summary>A DUID-LL for an Ethernet address (the server's identifier).</summary>
    public static byte[] FromMacAddress(ReadOnlySpan<byte> mac)
    {
        var duid = new byte[4 + mac.Length];
        BinaryPrimitives.WriteUInt16BigEndian(duid, LinkLayer);
        BinaryPrimitives.WriteUInt16BigEndian(duid.AsSpan(2), Ethernet);
        mac.CopyTo(duid.AsSpan(4));
        return duid;
    }
}
