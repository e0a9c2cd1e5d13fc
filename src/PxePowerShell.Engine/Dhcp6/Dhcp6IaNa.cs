using System.Buffers.Binary;
using System.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>An identity association for non-temporary addresses (option 3): IAID, T1, T2, addresses and a status.</summary>
internal sealed record Dhcp6IaNa
{
    /// <summary>The client's identifier of the IA.</summary>
    public required uint Iaid { get; init; }

    /// <summary>Seconds until the client renews.</summary>
    public uint T1 { get; init; }

    /// <summary>Seconds until the client rebinds.</summary>
    public uint T2 { get; init; }

    /// <summary>The IA Address options.</summary>
    public IReadOnlyList<Dhcp6IaAddress> Addresses { get; init; } = [];

    /// <summary>The IA's status code option, or null.</summary>
    public Dhcp6StatusCode? Status { get; init; }

    /// <summary>The status message, or null.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Decodes an IA_NA value; false (no exception) when it is malformed.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> value, out Dhcp6IaNa? ia)
    {
        ia = null;
        var span = value.Span;
        if (span.Length < 12)
        {
            return false;
        }

        var options = new List<Dhcp6Option>();
        if (!Dhcp6Message.TryReadOptions(value[12..], options, out _))
        {
            return false;
        }

        var addresses = new List<Dhcp6IaAddress>();
        Dhcp6StatusCode? status = null;
        string? message = null;
        foreach (var o in options)
        {
            var v = o.Value.Span;
            if (o.Code == Dhcp6OptionCode.IaAddress)
            {
                if (v.Length < 24)
                {
                    return false;
                }

                addresses.Add(new Dhcp6IaAddress(new IPAddress(v[..16]), BinaryPrimitives.ReadUInt32BigEndian(v[16..]), BinaryPrimitives.ReadUInt32BigEndian(v[20..])));
            }
            else if (o.Code == Dhcp6OptionCode.StatusCode && status is null)
            {
                if (!Dhcp6OptionValues.TryDecodeStatus(v, out var code, out message))
                {
                    return false;
                }

                status = code;
            }
        }

        ia = new Dhcp6IaNa
        {
            Iaid = BinaryPrimitives.ReadUInt32BigEndian(span),
            T1 = BinaryPrimitives.ReadUInt32BigEndian(span[4..]),
            T2 = BinaryPrimitives.ReadUInt32BigEndian(span[8..]),
            Addresses = addresses,
            Status = status,
            StatusMessage = message,
        };
        return true;
    }

    /// <summary>Encodes the IA_NA value (without the option header).</summary>
    public byte[] Encode()
    {
        byte[]? status = Status is { } s ? Dhcp6OptionValues.EncodeStatus(s, StatusMessage) : null;
        var buffer = new byte[12 + (Addresses.Count * 28) + (status is null ? 0 : 4 + status.Length)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, Iaid);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], T1);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], T2);
        int at = 12;
        foreach (var a in Addresses)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)Dhcp6OptionCode.IaAddress);
            BinaryPrimitives.WriteUInt16BigEndian(span[(at + 2)..], 24);
            a.Address.TryWriteBytes(span.Slice(at + 4, 16), out _);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 20)..], a.PreferredLifetime);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 24)..], a.ValidLifetime);
            at += 28;
        }

        if (status is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)Dhcp6OptionCode.StatusCode);
            BinaryPrimitives.WriteUInt16BigEndian(span[(at + 2)..], (ushort)status.Length);
            status.CopyTo(span[(at + 4)..]);
        }

        return buffer;
    }
}
