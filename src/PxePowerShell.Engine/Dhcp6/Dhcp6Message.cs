using System.Buffers.Binary;
using System.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// A DHCPv6 message (RFC 8415): a client/server message (type, 24-bit transaction id, options) or a relay message
/// (type, hop count, link and peer address, options, the relayed message parsed from option 9). Parsing checks every
/// length against the datagram and never throws: bad input is a parse failure with a reason.
/// </summary>
internal sealed record Dhcp6Message
{
    /// <summary>Largest message this codec writes (a reply through a few relays fits well within it).</summary>
    public const int MaxMessageSize = 8192;

    /// <summary>Deepest relay nesting parsed (RFC 8415 HOP_COUNT_LIMIT).</summary>
    public const int MaxRelayDepth = 8;

    private const int RelayHeaderLength = 34;

    /// <summary>The message type.</summary>
    public required Dhcp6MessageType MessageType { get; init; }

    /// <summary>The transaction id (24 bits); 0 for relay messages.</summary>
    public uint TransactionId { get; init; }

    /// <summary>Relay messages: the hop count.</summary>
    public byte HopCount { get; init; }

    /// <summary>Relay messages: the link address (identifies the client's link); <see cref="IPAddress.IPv6Any"/> otherwise.</summary>
    public IPAddress LinkAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>Relay messages: the address of the client or relay the message came from; <see cref="IPAddress.IPv6Any"/> otherwise.</summary>
    public IPAddress PeerAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>The options in order.</summary>
    public IReadOnlyList<Dhcp6Option> Options { get; init; } = [];

    /// <summary>True for Relay-forw and Relay-repl.</summary>
    public bool IsRelay => IsRelayType(MessageType);

    /// <summary>The client DUID (option 1), or empty.</summary>
    public ReadOnlyMemory<byte> ClientId => TryGet(Dhcp6OptionCode.ClientId, out var v) ? v : ReadOnlyMemory<byte>.Empty;

    /// <summary>The server DUID (option 2), or empty.</summary>
    public ReadOnlyMemory<byte> ServerId => TryGet(Dhcp6OptionCode.ServerId, out var v) ? v : ReadOnlyMemory<byte>.Empty;

    /// <summary>Relay messages: the message in option 9, parsed; null when absent.</summary>
    public Dhcp6Message? RelayedMessage { get; init; }

    /// <summary>The length of the encoded message.</summary>
    public int Length
    {
        get
        {
            int n = IsRelay ? RelayHeaderLength : 4;
            foreach (var o in Options)
            {
                n += 4 + o.Value.Length;
            }

            return n;
        }
    }

    /// <summary>
    /// Parses a datagram. Never throws; on failure <paramref name="error"/> says what was wrong. A datagram over
    /// <see cref="MaxMessageSize"/> is refused: the server never receives one (its buffer is that size), and a message
    /// this codec accepts must fit what it writes.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Dhcp6Message? message, out string? error)
    {
        if (data.Length > MaxMessageSize)
        {
            message = null;
            error = $"a DHCPv6 message is at most {MaxMessageSize} bytes here, this one {data.Length}";
            return false;
        }

        return TryParse(data.ToArray(), 0, out message, out error);
    }

    /// <summary>The value of the first option with the code.</summary>
    public bool TryGet(Dhcp6OptionCode code, out ReadOnlyMemory<byte> value)
    {
        foreach (var o in Options)
        {
            if (o.Code == code)
            {
                value = o.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>True when the message has the option.</summary>
    public bool Contains(Dhcp6OptionCode code) => TryGet(code, out _);

    /// <summary>Every value of an option that may repeat (IA_NA).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> GetAll(Dhcp6OptionCode code)
    {
        var list = new List<ReadOnlyMemory<byte>>();
        foreach (var o in Options)
        {
            if (o.Code == code)
            {
                list.Add(o.Value);
            }
        }

        return list;
    }

    /// <summary>Writes the message; returns its length, or -1 when <paramref name="destination"/> is too small.</summary>
    public int WriteTo(Span<byte> destination)
    {
        int length = Length;
        if (length > destination.Length)
        {
            return -1;
        }

        int at;
        destination[0] = (byte)MessageType;
        if (IsRelay)
        {
            destination[1] = HopCount;
            WriteAddress(LinkAddress, destination.Slice(2, 16));
            WriteAddress(PeerAddress, destination.Slice(18, 16));
            at = RelayHeaderLength;
        }
        else
        {
            destination[1] = (byte)(TransactionId >> 16);
            destination[2] = (byte)(TransactionId >> 8);
            destination[3] = (byte)TransactionId;
            at = 4;
        }

        foreach (var o in Options)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)o.Code);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], (ushort)o.Value.Length);
            o.Value.Span.CopyTo(destination[(at + 4)..]);
            at += 4 + o.Value.Length;
        }

        return at;
    }

    /// <summary>The encoded message.</summary>
    public byte[] ToArray()
    {
        var buffer = new byte[Length];
        WriteTo(buffer);
        return buffer;
    }

    /// <summary>True for the two relay message types.</summary>
    public static bool IsRelayType(Dhcp6MessageType type) => type is Dhcp6MessageType.RelayForward or Dhcp6MessageType.RelayReply;

    private static bool TryParse(byte[] data, int depth, out Dhcp6Message? message, out string? error)
    {
        message = null;
        if (data.Length < 4)
        {
            error = $"a DHCPv6 message has at least 4 bytes, this one {data.Length}";
            return false;
        }

        var type = (Dhcp6MessageType)data[0];
        if (type is Dhcp6MessageType.None or > Dhcp6MessageType.RelayReply)
        {
            error = $"unknown DHCPv6 message type {data[0]}";
            return false;
        }

        bool relay = IsRelayType(type);
        int start = relay ? RelayHeaderLength : 4;
        if (data.Length < start)
        {
            error = $"a relay message has a {RelayHeaderLength}-byte header, this one {data.Length} bytes";
            return false;
        }

        var options = new List<Dhcp6Option>();
        if (!TryReadOptions(data.AsMemory(start), options, out error))
        {
            return false;
        }

        Dhcp6Message? inner = null;
        if (relay)
        {
            foreach (var o in options)
            {
                if (o.Code != Dhcp6OptionCode.RelayMessage)
                {
                    continue;
                }

                if (depth >= MaxRelayDepth)
                {
                    error = $"relay messages nested deeper than {MaxRelayDepth}";
                    return false;
                }

                if (!TryParse(o.Value.ToArray(), depth + 1, out inner, out var innerError))
                {
                    error = "relayed message: " + innerError;
                    return false;
                }

                break;
            }
        }

        message = new Dhcp6Message
        {
            MessageType = type,
            TransactionId = relay ? 0 : (uint)((data[1] << 16) | (data[2] << 8) | data[3]),
            HopCount = relay ? data[1] : (byte)0,
            LinkAddress = relay ? new IPAddress(data.AsSpan(2, 16)) : IPAddress.IPv6Any,
            PeerAddress = relay ? new IPAddress(data.AsSpan(18, 16)) : IPAddress.IPv6Any,
            Options = options,
            RelayedMessage = inner,
        };
        error = null;
        return true;
    }

    /// <summary>Reads a sequence of options (a message's or an IA's) into <paramref name="options"/>.</summary>
    internal static bool TryReadOptions(ReadOnlyMemory<byte> data, List<Dhcp6Option> options, out string? error)
    {
        var span = data.Span;
        int at = 0;
        while (at < span.Length)
        {
            if (span.Length - at < 4)
            {
                error = $"option header at offset {at} is cut short";
                return false;
            }

            ushort code = BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(span[(at + 2)..]);
            if (length > span.Length - at - 4)
            {
                error = $"option {code} claims {length} bytes, {span.Length - at - 4} remain";
                return false;
            }

            options.Add(new Dhcp6Option((Dhcp6OptionCode)code, data.Slice(at + 4, length)));
            at += 4 + length;
        }

        error = null;
        return true;
    }

    private static void WriteAddress(IPAddress address, Span<byte> destination)
    {
        if (!address.TryWriteBytes(destination, out int written) || written != 16)
        {
            destination.Clear();
        }
    }
}
