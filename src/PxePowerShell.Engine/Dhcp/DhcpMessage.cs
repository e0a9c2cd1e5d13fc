using PxePowerShell.Engine.Net;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// A DHCP/BOOTP message (RFC 2131 fixed fields + RFC 2132 options). <see cref="TryParse"/> never throws:
/// bad input yields false and a reason. <see cref="WriteTo"/> uses option overload (52) into file/sname
/// when the options do not fit, splits long options (RFC 3396) and pads to the BOOTP minimum of 300 bytes.
/// </summary>
internal sealed class DhcpMessage
{
    /// <summary>Size of the fixed BOOTP header before the magic cookie.</summary>
    public const int FixedHeaderLength = 236;

    /// <summary>Smallest DHCP message: fixed header and magic cookie.</summary>
    public const int MinimumLength = 240;

    /// <summary>Smallest BOOTP message on the wire (RFC 951); replies are padded to it.</summary>
    public const int MinimumBootpLength = 300;

    /// <summary>Default maximum message size every client must accept (RFC 2131).</summary>
    public const int DefaultMaxMessageSize = 576;

    /// <summary>Largest message the engine writes.</summary>
    public const int MaxMessageSize = 1500;

    private const uint MagicCookie = 0x63825363;
    private const ushort BroadcastFlag = 0x8000;

    /// <summary>1 = BOOTREQUEST, 2 = BOOTREPLY.</summary>
    public byte Op { get; set; } = 1;

    /// <summary>Hardware type (1 = Ethernet).</summary>
    public byte HardwareType { get; set; } = 1;

    /// <summary>Hardware address length (6 for Ethernet, at most 16).</summary>
    public byte HardwareAddressLength { get; set; } = 6;

    /// <summary>Relay hops.</summary>
    public byte Hops { get; set; }

    /// <summary>Transaction id (xid).</summary>
    public uint TransactionId { get; set; }

    /// <summary>Seconds since the client began.</summary>
    public ushort Seconds { get; set; }

    /// <summary>The flags field.</summary>
    public ushort Flags { get; set; }

    /// <summary>The broadcast bit of <see cref="Flags"/>.</summary>
    public bool Broadcast
    {
        get => (Flags & BroadcastFlag) != 0;
        set => Flags = value ? (ushort)(Flags | BroadcastFlag) : (ushort)(Flags & ~BroadcastFlag);
    }

    /// <summary>ciaddr: the client's current address.</summary>
    public IPAddress ClientAddress { get; set; } = IPAddress.Any;

    /// <summary>yiaddr: the address given to the client.</summary>
    public IPAddress YourAddress { get; set; } = IPAddress.Any;

    /// <summary>siaddr: the next server (TFTP) address.</summary>
    public IPAddress ServerAddress { get; set; } = IPAddress.Any;

    /// <summary>giaddr: the relay agent's address.</summary>
    public IPAddress RelayAgentAddress { get; set; } = IPAddress.Any;

    /// <summary>chaddr, all 16 bytes.</summary>
    public byte[] ClientHardwareAddress { get; set; } = new byte[16];

    /// <summary>sname (empty when it carries options).</summary>
    public string ServerName { get; set; } = string.Empty;

    /// <summary>file (empty when it carries options).</summary>
    public string BootFileName { get; set; } = string.Empty;

    /// <summary>The options.</summary>
    public DhcpOptionSet Options { get; set; } = new();

    /// <summary>The DHCP message type (option 53), or None for BOOTP.</summary>
    public DhcpMessageType MessageType
    {
        get => (DhcpMessageType)(Options.GetByte(DhcpOptionCode.MessageType) ?? 0);
        set
        {
            if (value == DhcpMessageType.None)
            {
                Options.Remove(DhcpOptionCode.MessageType);
            }
            else
            {
                Options.SetByte(DhcpOptionCode.MessageType, (byte)value);
            }
        }
    }

    /// <summary>The hardware address (first <see cref="HardwareAddressLength"/> bytes of chaddr, at most 16).</summary>
    public ReadOnlySpan<byte> HardwareAddress => ClientHardwareAddress.AsSpan(0, Math.Min((int)HardwareAddressLength, 16));

    /// <summary>The hardware address as <c>aa-bb-cc-dd-ee-ff</c>.</summary>
    public string MacAddress => PxePowerShell.Engine.Net.MacAddress.Format(HardwareAddress);

    /// <summary>Parses a datagram. Never throws; returns false and a reason for malformed input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out DhcpMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (data.Length < MinimumLength)
        {
            error = $"datagram of {data.Length} bytes is shorter than the 240-byte DHCP minimum";
            return false;
        }

        byte op = data[0];
        if (op is not (1 or 2))
        {
            error = $"op {op} is neither BOOTREQUEST nor BOOTREPLY";
            return false;
        }

        byte hlen = data[2];
        if (hlen > 16)
        {
            error = $"hardware address length {hlen} exceeds 16";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data.Slice(FixedHeaderLength, 4)) != MagicCookie)
        {
            error = "missing DHCP magic cookie";
            return false;
        }

        var options = new DhcpOptionSet();
        if (!ParseArea(data[MinimumLength..], options, out error))
        {
            return false;
        }

        byte overload = options.GetByte(DhcpOptionCode.OptionOverload) ?? 0;
        if (overload > 3)
        {
            error = $"option overload value {overload} is not 1, 2 or 3";
            return false;
        }

        ReadOnlySpan<byte> sname = data.Slice(44, 64);
        ReadOnlySpan<byte> file = data.Slice(108, 128);

        // RFC 3396: concatenation order is options, file, sname.
        if ((overload & 1) != 0 && !ParseArea(file, options, out error))
        {
            error = "file field: " + error;
            return false;
        }

        if ((overload & 2) != 0 && !ParseArea(sname, options, out error))
        {
            error = "sname field: " + error;
            return false;
        }

        var m = new DhcpMessage
        {
            Op = op,
            HardwareType = data[1],
            HardwareAddressLength = hlen,
            Hops = data[3],
            TransactionId = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Seconds = BinaryPrimitives.ReadUInt16BigEndian(data[8..]),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(data[10..]),
            ClientAddress = new IPAddress(data.Slice(12, 4)),
            YourAddress = new IPAddress(data.Slice(16, 4)),
            ServerAddress = new IPAddress(data.Slice(20, 4)),
            RelayAgentAddress = new IPAddress(data.Slice(24, 4)),
            ClientHardwareAddress = data.Slice(28, 16).ToArray(),
            ServerName = (overload & 2) != 0 ? string.Empty : ReadCString(sname),
            BootFileName = (overload & 1) != 0 ? string.Empty : ReadCString(file),
            Options = options,
        };
        m.Options.Remove(DhcpOptionCode.OptionOverload);
        message = m;
        error = null;
        return true;
    }

    /// <summary>Parses a datagram, or returns null when it is malformed.</summary>
    public static DhcpMessage? Parse(ReadOnlySpan<byte> data) => TryParse(data, out var m, out _) ? m : null;

    /// <summary>
    /// Writes the message. Options that do not fit in <paramref name="maxMessageSize"/> bytes go into the
    /// file and sname fields (option 52) when those are empty and <paramref name="allowOverload"/> is true;
    /// options that fit nowhere are left out. Returns the number of bytes written (at least 300).
    /// </summary>
    public int WriteTo(Span<byte> destination, int maxMessageSize = DefaultMaxMessageSize, bool allowOverload = true)
    {
        maxMessageSize = Math.Clamp(maxMessageSize, DefaultMaxMessageSize, MaxMessageSize);
        if (destination.Length < maxMessageSize)
        {
            throw new ArgumentException($"The buffer must hold at least {maxMessageSize} bytes.", nameof(destination));
        }

        destination[..maxMessageSize].Clear();
        destination[0] = Op;
        destination[1] = HardwareType;
        destination[2] = HardwareAddressLength;
        destination[3] = Hops;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], Seconds);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], Flags);
        WriteAddress(destination.Slice(12, 4), ClientAddress);
        WriteAddress(destination.Slice(16, 4), YourAddress);
        WriteAddress(destination.Slice(20, 4), ServerAddress);
        WriteAddress(destination.Slice(24, 4), RelayAgentAddress);
        ClientHardwareAddress.AsSpan(0, Math.Min(16, ClientHardwareAddress.Length)).CopyTo(destination.Slice(28, 16));
        WriteCString(destination.Slice(44, 64), ServerName);
        WriteCString(destination.Slice(108, 128), BootFileName);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(FixedHeaderLength, 4), MagicCookie);

        int optionsSpace = maxMessageSize - MinimumLength;
        bool fileFree = BootFileName.Length == 0;
        bool snameFree = ServerName.Length == 0;
        var items = Options.Items;
        int end;
        if (Fits(items, [optionsSpace]) || !allowOverload || !(fileFree || snameFree))
        {
            if (!Fits(items, [optionsSpace]))
            {
                items = Subset(items, [optionsSpace]);
            }

            var writer = new AreaWriter(destination.Slice(MinimumLength, optionsSpace));
            WriteOptions(items, ref writer, 0, out _);
            end = MinimumLength + writer.Finish();
        }
        else
        {
            // Option 52 first, then fill options → file → sname (RFC 3396 order).
            int[] capacities = fileFree && snameFree ? [optionsSpace - 3, 128, 64] : fileFree ? [optionsSpace - 3, 128] : [optionsSpace - 3, 64];
            if (!Fits(items, capacities))
            {
                items = Subset(items, capacities);
            }

            var main = new AreaWriter(destination.Slice(MinimumLength, optionsSpace));
            main.Put(52, [0]);
            int overloadValueAt = MinimumLength + 2;
            int item = WriteOptions(items, ref main, 0, out int partial);
            int used = 0;
            if (item < items.Count && fileFree)
            {
                var fileArea = new AreaWriter(destination.Slice(108, 128));
                item = WriteOptions(items, ref fileArea, item, out partial, partial);
                fileArea.Finish();
                used |= 1;
            }

            if (item < items.Count && snameFree)
            {
                var snameArea = new AreaWriter(destination.Slice(44, 64));
                WriteOptions(items, ref snameArea, item, out _, partial);
                snameArea.Finish();
                used |= 2;
            }

            destination[overloadValueAt] = (byte)used;
            end = MinimumLength + main.Finish();
        }

        return Math.Max(end, MinimumBootpLength);
    }

    /// <summary>The message as a new array (see <see cref="WriteTo"/>).</summary>
    public byte[] ToArray(int maxMessageSize = DefaultMaxMessageSize, bool allowOverload = true)
    {
        var buffer = new byte[Math.Clamp(maxMessageSize, DefaultMaxMessageSize, MaxMessageSize)];
        int n = WriteTo(buffer, maxMessageSize, allowOverload);
        return buffer.AsSpan(0, n).ToArray();
    }

    private static int WriteOptions(List<KeyValuePair<byte, byte[]>> items, ref AreaWriter area, int start, out int partialOffset, int startOffset = 0)
    {
        partialOffset = 0;
        int offset = startOffset;
        for (int i = start; i < items.Count; i++)
        {
            var (code, value) = (items[i].Key, items[i].Value);
            if (value.Length == 0)
            {
                if (!area.Put(code, []))
                {
                    return i;
                }

                continue;
            }

            while (offset < value.Length)
            {
                int room = area.Remaining - 3; // code + length + room for End
                if (room < 1)
                {
                    partialOffset = offset;
                    return i;
                }

                int chunk = Math.Min(Math.Min(255, room), value.Length - offset);
                area.Put(code, value.AsSpan(offset, chunk));
                offset += chunk;
            }

            offset = 0;
        }

        return items.Count;
    }

    private static bool Fits(List<KeyValuePair<byte, byte[]>> items, int[] capacities)
    {
        // Mirrors WriteOptions: each area keeps one byte for End; pieces need 2 header bytes and at least 1 data byte.
        int area = 0;
        int remaining = capacities[0];
        foreach (var item in items)
        {
            int len = item.Value.Length;
            int offset = 0;
            do
            {
                int room = remaining - 3;
                if (len == 0 ? room < 0 : room < 1)
                {
                    if (++area >= capacities.Length)
                    {
                        return false;
                    }

                    remaining = capacities[area];
                    continue;
                }

                int chunk = Math.Min(Math.Min(255, room), len - offset);
                remaining -= 2 + chunk;
                offset += chunk;
            }
            while (offset < len);
        }

        return true;
    }

    private static List<KeyValuePair<byte, byte[]>> Subset(List<KeyValuePair<byte, byte[]>> items, int[] capacities)
    {
        // Whole options only: an option that does not fit is left out, never cut.
        var kept = new List<KeyValuePair<byte, byte[]>>(items.Count);
        foreach (var item in items)
        {
            kept.Add(item);
            if (!Fits(kept, capacities))
            {
                kept.RemoveAt(kept.Count - 1);
            }
        }

        return kept;
    }

    private static bool ParseArea(ReadOnlySpan<byte> area, DhcpOptionSet options, [NotNullWhen(false)] out string? error)
    {
        int i = 0;
        while (i < area.Length)
        {
            byte code = area[i];
            if (code == 0)
            {
                i++;
                continue;
            }

            if (code == 255)
            {
                break;
            }

            if (i + 1 >= area.Length)
            {
                error = $"option {code} has no length byte";
                return false;
            }

            int len = area[i + 1];
            if (i + 2 + len > area.Length)
            {
                error = $"option {code} claims {len} bytes but only {area.Length - i - 2} remain";
                return false;
            }

            options.Append(code, area.Slice(i + 2, len));
            i += 2 + len;
        }

        error = null;
        return true;
    }

    private static string ReadCString(ReadOnlySpan<byte> field)
    {
        int n = field.IndexOf((byte)0);
        if (n < 0)
        {
            n = field.Length;
        }

        if (n == 0)
        {
            return string.Empty;
        }

        // Invalid UTF-8 decodes to U+FFFD, three bytes each when written again, and a field filled to its end has no
        // room left for the NUL that WriteTo adds: cut the text to what the field can hold, so that a parsed message
        // can always be written again (found by fuzzing: 29 bytes of 0xE1 in sname became 87 bytes).
        string text = Encoding.UTF8.GetString(field[..n]);
        int max = field.Length - 1;
        while (Encoding.UTF8.GetByteCount(text) > max)
        {
            text = text[..^(char.IsLowSurrogate(text[^1]) && text.Length > 1 ? 2 : 1)];
        }

        return text;
    }

    private static void WriteCString(Span<byte> field, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        int max = field.Length - 1;
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > max)
        {
            throw new ArgumentException($"'{value}' is longer than the {max}-byte field.", nameof(value));
        }

        bytes.CopyTo(field);
    }

    private static void WriteAddress(Span<byte> target, IPAddress address)
    {
        if (!address.TryWriteBytes(target, out int n) || n != 4)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address.", nameof(address));
        }
    }

    /// <summary>A one-line description for diagnostics.</summary>
    public override string ToString() =>
        $"{(Op == 1 ? "request" : "reply")} {MessageType} xid=0x{TransactionId:x8} chaddr={MacAddress} ciaddr={ClientAddress} yiaddr={YourAddress} siaddr={ServerAddress} giaddr={RelayAgentAddress} file='{BootFileName}'";

    private ref struct AreaWriter(Span<byte> area)
    {
        private readonly Span<byte> _area = area;
        private int _pos;

        public readonly int Remaining => _area.Length - _pos;

        public bool Put(byte code, ReadOnlySpan<byte> value)
        {
            if (_pos + 2 + value.Length + 1 > _area.Length)
            {
                return false;
            }

            _area[_pos++] = code;
            _area[_pos++] = (byte)value.Length;
            value.CopyTo(_area[_pos..]);
            _pos += value.Length;
            return true;
        }

        public int Finish()
        {
            _area[_pos++] = 255;
            return _pos;
        }
    }
}
