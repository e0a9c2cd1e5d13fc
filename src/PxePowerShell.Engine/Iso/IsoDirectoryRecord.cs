using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// One ISO 9660 directory record (ECMA-119 9.1) as read from a directory extent: where the extent lies, how long it
/// is, the flags, the raw file identifier and the system use area (Rock Ridge lives there). A pure codec.
/// </summary>
internal readonly ref struct IsoDirectoryRecord
{
    /// <summary>The smallest valid record: 33 fixed bytes and a one-byte identifier.</summary>
    public const int MinimumLength = 34;

    private readonly ReadOnlySpan<byte> _record;

    private IsoDirectoryRecord(ReadOnlySpan<byte> record) => _record = record;

    /// <summary>The record's length in bytes.</summary>
    public int Length => _record.Length;

    /// <summary>The first logical block of the extent.</summary>
    public uint ExtentLba => BinaryPrimitives.ReadUInt32LittleEndian(_record[2..]);

    /// <summary>The extent's length in bytes.</summary>
    public uint DataLength => BinaryPrimitives.ReadUInt32LittleEndian(_record[10..]);

    /// <summary>The file flags (0x02 directory, 0x80 not the final record of a multi-extent file).</summary>
    public byte Flags => _record[25];

    /// <summary>True for directories.</summary>
    public bool IsDirectory => (Flags & 0x02) != 0;

    /// <summary>True when more records of the same file follow (files of 4 GiB and more).</summary>
    public bool HasMoreExtents => (Flags & 0x80) != 0;

    /// <summary>The interleave unit size; non-zero means an interleaved file.</summary>
    public byte FileUnitSize => _record[26];

    /// <summary>The raw identifier ([0] = ".", [1] = "..", else a name with ";1").</summary>
    public ReadOnlySpan<byte> Identifier => _record.Slice(33, _record[32]);

    /// <summary>The system use area after the (padded) identifier.</summary>
    public ReadOnlySpan<byte> SystemUse
    {
        get
        {
            int start = 33 + _record[32] + ((_record[32] & 1) == 0 ? 1 : 0);
            return start < _record.Length ? _record[start..] : [];
        }
    }

    /// <summary>The recording time (7 bytes: years since 1900, month, day, hour, minute, second, GMT offset in 15 min).</summary>
    public DateTimeOffset RecordedAt => DecodeTime(_record.Slice(18, 7));

    /// <summary>Reads the record at the start of <paramref name="data"/>; false for the zero padding at a sector's end.</summary>
    /// <exception cref="IsoFormatException">The record's length does not fit or is too short for its identifier.</exception>
    public static bool TryRead(ReadOnlySpan<byte> data, string where, out IsoDirectoryRecord record)
    {
        record = default;
        if (data.IsEmpty || data[0] == 0)
        {
            return false;
        }

        int length = data[0];
        if (length < MinimumLength || length > data.Length)
        {
            throw new IsoFormatException($"directory record in {where}", $"its length {length} does not fit (at least {MinimumLength}, at most the {data.Length} bytes left in the sector)");
        }

        int nameLength = data[32];
        if (nameLength == 0 || 33 + nameLength > length)
        {
            throw new IsoFormatException($"directory record in {where}", $"its identifier length {nameLength} does not fit in the {length}-byte record");
        }

        record = new IsoDirectoryRecord(data[..length]);
        return true;
    }

    /// <summary>Decodes the 7-byte directory record time.</summary>
    public static DateTimeOffset DecodeTime(ReadOnlySpan<byte> t)
    {
        if (t.Length < 7 || t[1] is 0 or > 12 || t[2] is 0 or > 31 || t[3] > 23 || t[4] > 59 || t[5] > 59)
        {
            return DateTimeOffset.UnixEpoch;
        }

        int offsetQuarters = (sbyte)t[6];
        if (offsetQuarters is < -48 or > 52)
        {
            offsetQuarters = 0;
        }

        try
        {
            return new DateTimeOffset(1900 + t[0], t[1], t[2], t[3], t[4], t[5], TimeSpan.FromMinutes(15 * offsetQuarters));
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateTimeOffset.UnixEpoch;
        }
    }
}
