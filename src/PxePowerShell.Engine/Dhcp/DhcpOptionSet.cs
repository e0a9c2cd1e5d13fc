using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The options of a DHCP message, in order, one value per code. Parsing concatenates repeated codes
/// (RFC 3396); writing splits values longer than 255 bytes into consecutive instances.
/// </summary>
internal sealed class DhcpOptionSet
{
    private readonly List<KeyValuePair<byte, byte[]>> _items = [];

    /// <summary>Number of distinct options.</summary>
    public int Count => _items.Count;

    /// <summary>The option codes in order.</summary>
    public IEnumerable<byte> Codes
    {
        get
        {
            foreach (var item in _items)
            {
                yield return item.Key;
            }
        }
    }

    /// <summary>True when the option is present.</summary>
    public bool Contains(DhcpOptionCode code) => IndexOf((byte)code) >= 0;

    /// <summary>True when the option with this raw code is present.</summary>
    public bool Contains(byte code) => IndexOf(code) >= 0;

    /// <summary>The raw value of an option, or false.</summary>
    public bool TryGet(DhcpOptionCode code, out ReadOnlyMemory<byte> value) => TryGet((byte)code, out value);

    /// <summary>The raw value of an option with a raw code, or false.</summary>
    public bool TryGet(byte code, out ReadOnlyMemory<byte> value)
    {
        int i = IndexOf(code);
        value = i >= 0 ? _items[i].Value : default;
        return i >= 0;
    }

    /// <summary>Sets (replaces) an option's value, keeping its position if present.</summary>
    public void Set(DhcpOptionCode code, ReadOnlySpan<byte> value) => Set((byte)code, value);

    /// <summary>Sets (replaces) an option with a raw code.</summary>
    public void Set(byte code, ReadOnlySpan<byte> value)
    {
        if (code is 0 or 255)
        {
            throw new ArgumentOutOfRangeException(nameof(code), "Pad and End are not options with values.");
        }

        int i = IndexOf(code);
        var entry = new KeyValuePair<byte, byte[]>(code, value.ToArray());
        if (i >= 0)
        {
            _items[i] = entry;
        }
        else
        {
            _items.Add(entry);
        }
    }

    /// <summary>Sets a one-byte option.</summary>
    public void SetByte(DhcpOptionCode code, byte value) => Set(code, [value]);

    /// <summary>Sets a 32-bit big-endian option (times).</summary>
    public void SetUInt32(DhcpOptionCode code, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        Set(code, b);
    }

    /// <summary>Sets an option holding one or more IPv4 addresses.</summary>
    public void SetAddresses(DhcpOptionCode code, params IPAddress[] addresses)
    {
        // Formatted on the stack (Set keeps its own copy): at most 63 addresses fit an option's 255 bytes anyway.
        Span<byte> b = addresses.Length <= 16 ? stackalloc byte[addresses.Length * 4] : new byte[addresses.Length * 4];
        for (int i = 0; i < addresses.Length; i++)
        {
            Write(addresses[i], b.Slice(i * 4), nameof(addresses));
        }

        Set(code, b);
    }

    /// <summary>Sets an option holding one IPv4 address (the subnet mask, the broadcast address).</summary>
    public void SetAddress(DhcpOptionCode code, IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        Write(address, b, nameof(address));
        Set(code, b);
    }

    private static void Write(IPAddress address, Span<byte> destination, string parameter)
    {
        if (!address.TryWriteBytes(destination, out int written) || written != 4)
        {
            throw new ArgumentException("Only IPv4 addresses can be DHCP option values.", parameter);
        }
    }

    /// <summary>Sets an ASCII/UTF-8 text option.</summary>
    public void SetString(DhcpOptionCode code, string value) => Set(code, Encoding.UTF8.GetBytes(value));

    /// <summary>Removes an option; false when absent.</summary>
    public bool Remove(DhcpOptionCode code)
    {
        int i = IndexOf((byte)code);
        if (i >= 0)
        {
            _items.RemoveAt(i);
        }

        return i >= 0;
    }

    /// <summary>A one-byte option, or null.</summary>
    public byte? GetByte(DhcpOptionCode code) => TryGet(code, out var v) && v.Length >= 1 ? v.Span[0] : null;

    /// <summary>A 16-bit big-endian option, or null.</summary>
    public ushort? GetUInt16(DhcpOptionCode code) => TryGet(code, out var v) && v.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(v.Span) : null;

    /// <summary>A 32-bit big-endian option, or null.</summary>
    public uint? GetUInt32(DhcpOptionCode code) => TryGet(code, out var v) && v.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(v.Span) : null;

    /// <summary>The first IPv4 address of an option, or null.</summary>
    public IPAddress? GetAddress(DhcpOptionCode code) => TryGet(code, out var v) && v.Length >= 4 ? new IPAddress(v.Span[..4]) : null;

    /// <summary>A text option (trailing NULs removed, invalid bytes replaced), or null.</summary>
    public string? GetString(DhcpOptionCode code)
    {
        if (!TryGet(code, out var v))
        {
            return null;
        }

        var span = v.Span;
        int end = span.Length;
        while (end > 0 && span[end - 1] == 0)
        {
            end--;
        }

        return Encoding.UTF8.GetString(span[..end]);
    }

    /// <summary>Appends bytes to an option (RFC 3396 concatenation) while parsing.</summary>
    internal void Append(byte code, ReadOnlySpan<byte> value)
    {
        int i = IndexOf(code);
        if (i < 0)
        {
            _items.Add(new KeyValuePair<byte, byte[]>(code, value.ToArray()));
            return;
        }

        var old = _items[i].Value;
        var merged = new byte[old.Length + value.Length];
        old.CopyTo(merged, 0);
        value.CopyTo(merged.AsSpan(old.Length));
        _items[i] = new KeyValuePair<byte, byte[]>(code, merged);
    }

    /// <summary>The options in order as (code, value) pairs.</summary>
    internal List<KeyValuePair<byte, byte[]>> Items => _items;

    /// <summary>Bytes needed to encode every option (with RFC 3396 splitting), without End.</summary>
    internal int EncodedLength
    {
        get
        {
            int total = 0;
            foreach (var item in _items)
            {
                int len = item.Value.Length;
                int pieces = Math.Max(1, (len + 254) / 255);
                total += len + (2 * pieces);
            }

            return total;
        }
    }

    private int IndexOf(byte code)
    {
        for (int i = 0; i < _items.Count; i++)
        {
            if (_items[i].Key == code)
            {
                return i;
            }
        }

        return -1;
    }
}
