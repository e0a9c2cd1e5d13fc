using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The TFTP wire format (RFC 1350, RFC 2347): parses and writes RRQ, WRQ, DATA, ACK, ERROR and OACK
/// packets in spans. Parsing never throws: bad input yields false (and a reason for requests), which the
/// server counts as a malformed datagram and drops. No I/O.
/// </summary>
internal static class TftpPacket
{
    /// <summary>Bytes of a DATA header (opcode + block).</summary>
    public const int DataHeaderLength = 4;

    /// <summary>Block size of RFC 1350 (without the blksize option).</summary>
    public const int DefaultBlockSize = 512;

    private static readonly Encoding Text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The opcode of a datagram, or <see cref="TftpOpcode.None"/> when it is too short or unknown.</summary>
    public static TftpOpcode ReadOpcode(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 2)
        {
            return TftpOpcode.None;
        }

        ushort op = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        return op is >= 1 and <= 6 ? (TftpOpcode)op : TftpOpcode.None;
    }

    /// <summary>Parses an RRQ or WRQ: opcode, file name NUL, mode NUL, then name NUL value NUL pairs.</summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out TftpRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        var opcode = ReadOpcode(datagram);
        if (opcode is not (TftpOpcode.ReadRequest or TftpOpcode.WriteRequest))
        {
            error = "not a read or write request";
            return false;
        }

        var rest = datagram[2..];
        if (!TryReadString(ref rest, out string? fileName) || fileName.Length == 0)
        {
            error = "the file name is missing or not NUL-terminated";
            return false;
        }

        if (!TryReadString(ref rest, out string? modeText))
        {
            error = "the transfer mode is missing or not NUL-terminated";
            return false;
        }

        TftpMode mode;
        if (modeText.Equals("octet", StringComparison.OrdinalIgnoreCase) || modeText.Equals("binary", StringComparison.OrdinalIgnoreCase))
        {
            mode = TftpMode.Octet;
        }
        else if (modeText.Equals("netascii", StringComparison.OrdinalIgnoreCase) || modeText.Equals("ascii", StringComparison.OrdinalIgnoreCase))
        {
            mode = TftpMode.NetAscii;
        }
        else if (modeText.Equals("mail", StringComparison.OrdinalIgnoreCase))
        {
            mode = TftpMode.Mail;
        }
        else
        {
            error = $"unknown transfer mode '{modeText}'";
            return false;
        }

        var options = new List<TftpOption>();
        while (!rest.IsEmpty)
        {
            if (!TryReadString(ref rest, out string? name))
            {
                // Some clients pad requests with NULs or trailing garbage; options end there.
                break;
            }

            if (name.Length == 0)
            {
                break;
            }

            if (!TryReadString(ref rest, out string? value))
            {
                error = $"option '{name}' has no NUL-terminated value";
                return false;
            }

            options.Add(new TftpOption(name, value));
        }

        request = new TftpRequest(opcode, fileName, mode, options);
        error = null;
        return true;
    }

    /// <summary>Parses a DATA packet.</summary>
    public static bool TryParseData(ReadOnlySpan<byte> datagram, out ushort block, out ReadOnlySpan<byte> payload)
    {
        if (datagram.Length < DataHeaderLength || ReadOpcode(datagram) != TftpOpcode.Data)
        {
            block = 0;
            payload = default;
            return false;
        }

        block = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        payload = datagram[DataHeaderLength..];
        return true;
    }

    /// <summary>Parses an ACK packet (trailing bytes after the block number are tolerated).</summary>
    public static bool TryParseAck(ReadOnlySpan<byte> datagram, out ushort block)
    {
        if (datagram.Length < 4 || ReadOpcode(datagram) != TftpOpcode.Ack)
        {
            block = 0;
            return false;
        }

        block = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        return true;
    }

    /// <summary>Parses an ERROR packet; a missing terminator on the message is tolerated.</summary>
    public static bool TryParseError(ReadOnlySpan<byte> datagram, out TftpErrorCode code, out string message)
    {
        code = TftpErrorCode.NotDefined;
        message = string.Empty;
        if (datagram.Length < 4 || ReadOpcode(datagram) != TftpOpcode.Error)
        {
            return false;
        }

        code = (TftpErrorCode)BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        var text = datagram[4..];
        int nul = text.IndexOf((byte)0);
        message = Text.GetString(nul >= 0 ? text[..nul] : text);
        return true;
    }

    /// <summary>Parses an OACK packet.</summary>
    public static bool TryParseOptionAck(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out IReadOnlyList<TftpOption>? options)
    {
        options = null;
        if (ReadOpcode(datagram) != TftpOpcode.OptionAck)
        {
            return false;
        }

        var rest = datagram[2..];
        var list = new List<TftpOption>();
        while (!rest.IsEmpty)
        {
            if (!TryReadString(ref rest, out string? name) || !TryReadString(ref rest, out string? value))
            {
                return false;
            }

            list.Add(new TftpOption(name, value));
        }

        options = list;
        return true;
    }

    /// <summary>Writes an RRQ or WRQ; returns the length. Throws when <paramref name="destination"/> is too small.</summary>
    public static int WriteRequest(Span<byte> destination, TftpOpcode opcode, string fileName, string mode, IReadOnlyList<TftpOption>? options = null)
    {
        if (opcode is not (TftpOpcode.ReadRequest or TftpOpcode.WriteRequest))
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), "A request is an RRQ or a WRQ.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)opcode);
        int length = 2;
        length += WriteString(destination[length..], fileName);
        length += WriteString(destination[length..], mode);
        if (options is not null)
        {
            for (int i = 0; i < options.Count; i++)
            {
                length += WriteString(destination[length..], options[i].Name);
                length += WriteString(destination[length..], options[i].Value);
            }
        }

        return length;
    }

    /// <summary>Writes a DATA header for <paramref name="block"/>; the payload follows at offset 4.</summary>
    public static int WriteDataHeader(Span<byte> destination, ushort block)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)TftpOpcode.Data);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], block);
        return DataHeaderLength;
    }

    /// <summary>Writes an ACK; returns 4.</summary>
    public static int WriteAck(Span<byte> destination, ushort block)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)TftpOpcode.Ack);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], block);
        return 4;
    }

    /// <summary>Writes an ERROR; the message is cut to fit <paramref name="destination"/>. Returns the length.</summary>
    public static int WriteError(Span<byte> destination, TftpErrorCode code, string message)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)TftpOpcode.Error);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)code);
        var room = destination[4..^1];
        int written;
        if (Text.GetByteCount(message) <= room.Length)
        {
            written = Text.GetBytes(message, room);
        }
        else
        {
            // Cut on a character boundary.
            int chars = Math.Min(message.Length, room.Length);
            while (chars > 0 && Text.GetByteCount(message.AsSpan(0, chars)) > room.Length)
            {
                chars--;
            }

            written = Text.GetBytes(message.AsSpan(0, chars), room);
        }

        destination[4 + written] = 0;
        return 5 + written;
    }

    /// <summary>Writes an OACK with <paramref name="options"/>; returns the length.</summary>
    public static int WriteOptionAck(Span<byte> destination, IReadOnlyList<TftpOption> options)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)TftpOpcode.OptionAck);
        int length = 2;
        for (int i = 0; i < options.Count; i++)
        {
            length += WriteString(destination[length..], options[i].Name);
            length += WriteString(destination[length..], options[i].Value);
        }

        return length;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        int n = Text.GetBytes(value, destination);
        destination[n] = 0;
        return n + 1;
    }

    private static bool TryReadString(ref ReadOnlySpan<byte> rest, [NotNullWhen(true)] out string? value)
    {
        int nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            value = null;
            return false;
        }

        value = Text.GetString(rest[..nul]);
        rest = rest[(nul + 1)..];
        return true;
    }
}
