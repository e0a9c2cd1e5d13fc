using System.Buffers.Text;
using System.Net;
using System.Text;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Formats one line of the lease journal into a buffer it reuses: <c>crc32hex SP field TAB field … LF</c>, the CRC over
/// the fields' UTF-8 bytes. Byte for byte what the journal always wrote, without the strings and arrays a record used to
/// cost (one per field, the line, its bytes twice): a lease is saved for every ACK. Not thread-safe: the journal formats
/// under its lock.
/// </summary>
internal sealed class JournalRecordWriter
{
    private const int PrefixLength = 9; // 8 hex digits of the CRC and a space
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Starts a record of <paramref name="kind"/> (L, D, R, U).</summary>
    public JournalRecordWriter Begin(char kind)
    {
        _length = PrefixLength;
        Ensure(1);
        _buffer[_length++] = (byte)kind;
        return this;
    }

    /// <summary>An address field.</summary>
    public JournalRecordWriter Field(IPAddress address)
    {
        Tab();
        int written;
        while (!address.TryFormat(_buffer.AsSpan(_length), out written))
        {
            Grow();
        }

        _length += written;
        return this;
    }

    /// <summary>A number field, or "-" for none.</summary>
    public JournalRecordWriter Field(long? value)
    {
        Tab();
        if (value is not long v)
        {
            return Raw("-");
        }

        int written;
        while (!Utf8Formatter.TryFormat(v, _buffer.AsSpan(_length), out written))
        {
            Grow();
        }

        _length += written;
        return this;
    }

    /// <summary>A field written as it is (an enum's name).</summary>
    public JournalRecordWriter Plain(string value)
    {
        Tab();
        return Raw(value);
    }

    /// <summary>A free-text field: "-" for null, else "=" and the value percent-encoded (Uri.EscapeDataString).</summary>
    public JournalRecordWriter Escaped(string? value)
    {
        Tab();
        if (value is null)
        {
            return Raw("-");
        }

        Ensure(1);
        _buffer[_length++] = (byte)'=';
        return Raw(Uri.EscapeDataString(value)); // the same string back when nothing needs escaping (MACs, host names)
    }

    /// <summary>Ends the record: the CRC in front, a newline behind. The bytes stay valid until the next <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> End()
    {
        uint crc = Crc32.Compute(_buffer.AsSpan(PrefixLength, _length - PrefixLength));
        Ensure(1);
        _buffer[_length++] = (byte)'\n';
        crc.TryFormat(_buffer.AsSpan(0, 8), out _, "x8", System.Globalization.CultureInfo.InvariantCulture);
        _buffer[8] = (byte)' ';
        return _buffer.AsSpan(0, _length);
    }

    private void Tab()
    {
        Ensure(1);
        _buffer[_length++] = (byte)'\t';
    }

    private JournalRecordWriter Raw(string value)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        return this;
    }

    private void Ensure(int bytes)
    {
        while (_buffer.Length - _length < bytes)
        {
            Grow();
        }
    }

    private void Grow() => Array.Resize(ref _buffer, _buffer.Length * 2);
}
