using System.Buffers.Binary;
using System.Text;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>Decoders and encoders of DHCPv6 option values. Decoders return false (never throw) on malformed data.</summary>
internal static class Dhcp6OptionValues
{
    /// <summary>A list of 16-bit values (option request 6, client architecture 61).</summary>
    public static bool TryDecodeUInt16List(ReadOnlySpan<byte> value, out ushort[] values)
    {
        values = [];
        if (value.Length % 2 != 0)
        {
            return false;
        }

        values = new ushort[value.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(i * 2)..]);
        }

        return true;
    }

    /// <summary>Encodes a list of 16-bit values.</summary>
    public static byte[] EncodeUInt16List(IReadOnlyList<ushort> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var buffer = new byte[values.Count * 2];
        for (int i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(i * 2), values[i]);
        }

        return buffer;
    }

    /// <summary>A sequence of 16-bit-length-prefixed strings (user class 15, boot file parameters 60).</summary>
    public static bool TryDecodeStrings(ReadOnlySpan<byte> value, out string[] strings)
    {
        var list = new List<string>();
        strings = [];
        int at = 0;
        while (at < value.Length)
        {
            if (value.Length - at < 2)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(value[at..]);
            if (length > value.Length - at - 2)
            {
                return false;
            }

            list.Add(Encoding.UTF8.GetString(value.Slice(at + 2, length)));
            at += 2 + length;
        }

        strings = [.. list];
        return true;
    }

    /// <summary>Encodes a sequence of length-prefixed strings.</summary>
    public static byte[] EncodeStrings(IReadOnlyList<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var parts = new byte[strings.Count][];
        int total = 0;
        for (int i = 0; i < strings.Count; i++)
        {
            parts[i] = Encoding.UTF8.GetBytes(strings[i]);
            total += 2 + parts[i].Length;
        }

        var buffer = new byte[total];
        int at = 0;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(at), (ushort)p.Length);
            p.CopyTo(buffer, at + 2);
            at += 2 + p.Length;
        }

        return buffer;
    }

    /// <summary>Vendor class (16): enterprise number and its strings.</summary>
    public static bool TryDecodeVendorClass(ReadOnlySpan<byte> value, out uint enterprise, out string[] strings)
    {
        enterprise = 0;
        strings = [];
        if (value.Length < 4)
        {
            return false;
        }

        enterprise = BinaryPrimitives.ReadUInt32BigEndian(value);
        return TryDecodeStrings(value[4..], out strings);
    }

    /// <summary>Encodes a vendor class.</summary>
    public static byte[] EncodeVendorClass(uint enterprise, IReadOnlyList<string> strings)
    {
        var data = EncodeStrings(strings);
        var buffer = new byte[4 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, enterprise);
        data.CopyTo(buffer, 4);
        return buffer;
    }

    /// <summary>Status code (13): a code and a UTF-8 message.</summary>
    public static bool TryDecodeStatus(ReadOnlySpan<byte> value, out Dhcp6StatusCode code, out string? message)
    {
        code = Dhcp6StatusCode.Success;
        message = null;
        if (value.Length < 2)
        {
            return false;
        }

        code = (Dhcp6StatusCode)BinaryPrimitives.ReadUInt16BigEndian(value);
        message = value.Length > 2 ? Encoding.UTF8.GetString(value[2..]) : null;
        return true;
    }

    /// <summary>Encodes a status code.</summary>
    public static byte[] EncodeStatus(Dhcp6StatusCode code, string? message)
    {
        var text = Encoding.UTF8.GetBytes(message ?? string.Empty);
        var buffer = new byte[2 + text.Length];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)code);
        text.CopyTo(buffer, 2);
        return buffer;
    }

    /// <summary>Client network interface identifier (62): type (1 = UNDI), major, minor.</summary>
    public static bool TryDecodeNetworkInterface(ReadOnlySpan<byte> value, out byte type, out byte major, out byte minor)
    {
        type = major = minor = 0;
        if (value.Length != 3)
        {
            return false;
        }

        (type, major, minor) = (value[0], value[1], value[2]);
        return true;
    }

    /// <summary>A 16-bit value (elapsed time 8).</summary>
    public static bool TryDecodeUInt16(ReadOnlySpan<byte> value, out ushort result)
    {
        result = value.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(value) : (ushort)0;
        return value.Length == 2;
    }

    /// <summary>Encodes a 16-bit value.</summary>
    public static byte[] EncodeUInt16(ushort value)
    {
        var buffer = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        return buffer;
    }
}
