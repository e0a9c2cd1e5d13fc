using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A File Entry or Extended File Entry (UDF 2.00 and later) read through its ICB: type, length, times, permissions, and
/// where its content lies in the image, from short, long or extended allocation descriptors (followed through
/// Allocation Extent Descriptors) or embedded in the entry itself. ICB strategy 4 is read as is; strategy 4096 and
/// Indirect Entries are followed to the newest entry, a bounded number of times.
/// </summary>
internal sealed class UdfFileEntry
{
    /// <summary>How many Allocation Extent Descriptors one entry may chain.</summary>
    public const int MaxAllocationContinuations = 1024;

    /// <summary>How many Indirect Entries (and strategy 4096 successors) one ICB may lead through.</summary>
    public const int MaxIcbHops = 32;

    private const int FileEntryHeader = 176;
    private const int ExtendedFileEntryHeader = 216;

    private UdfFileEntry(UdfFileType type, long length, DateTimeOffset modified, int mode, IReadOnlyList<IsoExtent> runs)
    {
        Type = type;
        Length = length;
        Modified = modified;
        UnixMode = mode;
        Runs = runs;
    }

    /// <summary>The file type recorded in the ICB tag.</summary>
    public UdfFileType Type { get; }

    /// <summary>The information length: the content's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The modification time.</summary>
    public DateTimeOffset Modified { get; }

    /// <summary>POSIX permission bits (rwx for owner, group, other, plus set-user-ID, set-group-ID and sticky).</summary>
    public int UnixMode { get; }

    /// <summary>Where the content lies in the image, in order; together exactly <see cref="Length"/> bytes.</summary>
    public IReadOnlyList<IsoExtent> Runs { get; }

    /// <summary>Reads the entry whose ICB is at <paramref name="icb"/>; <paramref name="where"/> names the file for errors.</summary>
    /// <exception cref="IsoFormatException">The entry or its allocation descriptors are corrupt.</exception>
    public static UdfFileEntry Read(UdfVolume volume, UdfAddress icb, string where)
    {
        byte[] block = new byte[IsoImageFile.SectorSize];
        var visited = new HashSet<UdfAddress>();
        UdfAddress at = icb;
        UdfAddress found = default;
        byte[]? entry = null;
        bool successor = false; // at the block after a strategy 4096 entry: only an Indirect Entry there leads on
        for (int hops = 0; ; hops++)
        {
            if (hops > MaxIcbHops || !visited.Add(at))
            {
                throw new IsoFormatException($"UDF ICB of {where}", $"its indirect entries loop or chain more than {MaxIcbHops} times ({at})");
            }

            string structure = $"UDF File Entry of {where} at {at}";
            ushort ident;
            if (successor)
            {
                try
                {
                    volume.ReadBlock(at, block, structure);
                    ident = UdfTag.IsBlank(block) ? (ushort)0 : UdfTag.Check(block, at.Block, structure);
                }
                catch (IsoFormatException)
                {
                    break; // nothing readable after the entry in hand: it is the newest
                }

                if (ident != UdfTag.IndirectEntry)
                {
                    break;
                }
            }
            else
            {
                volume.ReadBlock(at, block, structure);
                ident = UdfTag.Check(block, at.Block, structure);
            }

            if (ident == UdfTag.IndirectEntry)
            {
                var target = UdfAllocation.ReadLongAddress(block.AsSpan(36));
                if (target.Length == 0 && successor)
                {
                    break;
                }

                at = target.Address;
                successor = false;
                continue;
            }

            if (ident is not (UdfTag.FileEntry or UdfTag.ExtendedFileEntry))
            {
                throw new IsoFormatException(structure, $"tag identifier {ident} is neither a File Entry (261) nor an Extended File Entry (266)");
            }

            entry = (byte[])block.Clone();
            found = at;
            if (BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(20)) != 4096)
            {
                break;
            }

            at = new UdfAddress(at.Block + 1, at.Partition); // strategy 4096: an Indirect Entry may follow, to a newer ICB
            successor = true;
        }

        return Parse(volume, entry!, found, where);
    }

    private static UdfFileEntry Parse(UdfVolume volume, byte[] entry, UdfAddress at, string where)
    {
        string structure = $"UDF File Entry of {where} at {at}";
        bool extended = UdfTag.Identifier(entry) == UdfTag.ExtendedFileEntry;
        int header = extended ? ExtendedFileEntryHeader : FileEntryHeader;
        ushort strategy = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(20));
        if (strategy is not (4 or 4096))
        {
            throw new IsoFormatException(structure, $"ICB strategy {strategy} is not supported (only 4 and 4096)");
        }

        var type = (UdfFileType)entry[27];
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(34));
        uint permissions = BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(44));
        long length = BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(56));
        var modified = UdfTimestamp.Read(entry.AsSpan(extended ? 92 : 84));
        uint extendedAttributes = BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(extended ? 208 : 168));
        uint descriptors = BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(extended ? 212 : 172));
        if (length < 0 || length > volume.Image.Length)
        {
            throw new IsoFormatException(structure, $"information length {(ulong)length} is more than the whole {volume.Image.Length}-byte image");
        }

        if ((long)header + extendedAttributes + descriptors > IsoImageFile.SectorSize)
        {
            throw new IsoFormatException(structure, $"extended attributes ({extendedAttributes} bytes) and allocation descriptors ({descriptors} bytes) run past the block");
        }

        int mode = (int)(((permissions >> 10) & 7) << 6 | ((permissions >> 5) & 7) << 3 | (permissions & 7));
        mode |= (flags & 0x40) != 0 ? 0x800 : 0;
        mode |= (flags & 0x80) != 0 ? 0x400 : 0;
        mode |= (flags & 0x100) != 0 ? 0x200 : 0;

        int adStart = header + (int)extendedAttributes;
        var form = (UdfAllocationForm)(flags & 7);
        List<IsoExtent> runs = [];
        if (form == UdfAllocationForm.Embedded)
        {
            if (length > descriptors)
            {
                throw new IsoFormatException(structure, $"information length {length} is more than the {descriptors} bytes embedded in the entry");
            }

            var blockRuns = new List<IsoExtent>();
            volume.Map(at, IsoImageFile.SectorSize, blockRuns, structure);
            if (length > 0)
            {
                runs.Add(new IsoExtent(blockRuns[0].Offset + adStart, length));
            }
        }
        else
        {
            UdfAllocation.Collect(volume, form, entry.AsSpan(adStart, (int)descriptors), at.Partition, length, runs, structure, where);
        }

        return new UdfFileEntry(type, length, modified, mode, runs);
    }
}
