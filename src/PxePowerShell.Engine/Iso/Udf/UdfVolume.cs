using System.Buffers.Binary;
using System.Text;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A UDF logical volume: the volume recognition sequence, the Anchor Volume Descriptor Pointer (sector 256, else N-256,
/// else the last sector), the main Volume Descriptor Sequence (the reserve one when the main is corrupt), and the
/// partition maps that turn logical blocks into image bytes: type 1, "*UDF Virtual Partition" (through the VAT) and
/// "*UDF Metadata Partition" (through the metadata file, else its mirror).
/// </summary>
internal sealed class UdfVolume
{
    /// <summary>How many volume structure descriptors the recognition sequence may hold.</summary>
    public const int MaxRecognitionDescriptors = 64;

    /// <summary>The most partition maps one Logical Volume Descriptor may have.</summary>
    public const int MaxPartitionMaps = 64;

    /// <summary>The largest Virtual Allocation Table read.</summary>
    public const long MaxVirtualAllocationTableBytes = 64L * 1024 * 1024;

    /// <summary>How many sectors before the end of the image the VAT's entry is looked for.</summary>
    public const int VirtualAllocationTableSearch = 64;

    private readonly IUdfPartition?[] _partitions;

    private UdfVolume(IsoImageFile image, int partitionMaps)
    {
        Image = image;
        _partitions = new IUdfPartition?[partitionMaps];
    }

    /// <summary>The image.</summary>
    public IsoImageFile Image { get; }

    /// <summary>The UDF revision from the Logical Volume Descriptor's domain identifier (0x0102, 0x0250...), 0 when not recorded.</summary>
    public ushort Revision { get; private set; }

    /// <summary>The logical volume identifier, else the Primary Volume Descriptor's volume identifier.</summary>
    public string Label { get; private set; } = string.Empty;

    /// <summary>Where the File Set Descriptor is.</summary>
    public UdfAddress FileSet { get; private set; }

    /// <summary>True when sector 16 onwards holds a volume recognition sequence with an NSR02 or NSR03 descriptor between BEA01 and TEA01.</summary>
    public static bool HasRecognitionSequence(IsoImageFile image)
    {
        var sector = new byte[IsoImageFile.SectorSize];
        bool extended = false;
        bool nsr = false;
        for (int i = 0; i < MaxRecognitionDescriptors; i++)
        {
            long lba = 16 + i;
            if ((lba + 1) * IsoImageFile.SectorSize > image.Length)
            {
                return false;
            }

            image.ReadSector(lba, sector, $"volume recognition descriptor {i}");
            string id = Encoding.ASCII.GetString(sector, 1, 5);
            switch (id)
            {
                case "BEA01":
                    extended = true;
                    break;
                case "NSR02" or "NSR03":
                    nsr |= extended;
                    break;
                case "TEA01":
                    if (nsr)
                    {
                        return true;
                    }

                    extended = false;
                    break;
                case "CD001" or "CDW02" or "BOOT2":
                    break;
                default:
                    return nsr; // the sequence ends at the first sector that is none of these
            }
        }

        return nsr;
    }

    /// <summary>Reads the volume's descriptors and builds its partition maps.</summary>
    /// <exception cref="IsoFormatException">A structure is corrupt or not supported.</exception>
    public static UdfVolume Open(IsoImageFile image)
    {
        var (main, reserve) = ReadAnchor(image);
        UdfDescriptorSet set;
        try
        {
            set = UdfDescriptorSet.Read(image, main.Location, main.Length, "main Volume Descriptor Sequence");
        }
        catch (IsoFormatException mainError)
        {
            try
            {
                set = UdfDescriptorSet.Read(image, reserve.Location, reserve.Length, "reserve Volume Descriptor Sequence");
            }
            catch (IsoFormatException)
            {
                throw mainError;
            }
        }

        var lvd = set.LogicalVolume;
        const string Lvd = "UDF Logical Volume Descriptor";
        uint blockSize = BinaryPrimitives.ReadUInt32LittleEndian(lvd.AsSpan(212));
        if (blockSize != IsoImageFile.SectorSize)
        {
            throw new IsoFormatException(Lvd, $"logical block size {blockSize} is not supported (only 2048)");
        }

        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(lvd.AsSpan(264));
        uint maps = BinaryPrimitives.ReadUInt32LittleEndian(lvd.AsSpan(268));
        if (maps == 0 || maps > MaxPartitionMaps || tableLength > IsoImageFile.SectorSize - 440)
        {
            throw new IsoFormatException(Lvd, $"{maps} partition maps in a {tableLength}-byte table do not fit the descriptor");
        }

        var volume = new UdfVolume(image, (int)maps)
        {
            Revision = DomainRevision(lvd.AsSpan(216)),
            FileSet = UdfAllocation.ReadLongAddress(lvd.AsSpan(248)).Address,
        };
        volume.Label = UdfCs0.DecodeDString(lvd.AsSpan(84, 128), Lvd);
        if (volume.Label.Length == 0 && set.Primary is { } pvd)
        {
            volume.Label = UdfCs0.DecodeDString(pvd.AsSpan(24, 32), "UDF Primary Volume Descriptor");
        }

        volume.BuildPartitions(set, lvd.AsSpan(440, (int)tableLength).ToArray());
        return volume;
    }

    /// <summary>The UDF revision in the suffix of a domain identifier ("*OSTA UDF Compliant"), 0 when it is another domain.</summary>
    public static ushort DomainRevision(ReadOnlySpan<byte> entityId) =>
        entityId[1..20].SequenceEqual("*OSTA UDF Compliant"u8) ? BinaryPrimitives.ReadUInt16LittleEndian(entityId[24..]) : (ushort)0;

    /// <summary>Appends where <paramref name="length"/> bytes from <paramref name="at"/> lie in the image.</summary>
    public void Map(UdfAddress at, long length, List<IsoExtent> runs, string structure)
    {
        if (at.Partition >= _partitions.Length || _partitions[at.Partition] is not { } partition)
        {
            throw new IsoFormatException(structure, $"partition reference {at.Partition} names no readable partition map ({_partitions.Length} maps)");
        }

        partition.Map(at.Block, length, runs, structure);
    }

    /// <summary>Reads the logical block at <paramref name="at"/> into <paramref name="buffer"/> (2048 bytes).</summary>
    public void ReadBlock(UdfAddress at, Span<byte> buffer, string structure)
    {
        var runs = new List<IsoExtent>(1);
        Map(at, IsoImageFile.SectorSize, runs, structure);
        Image.ReadExactly(runs[0].Offset, buffer[..IsoImageFile.SectorSize], structure);
    }

    private static ((uint Location, uint Length) Main, (uint Location, uint Length) Reserve) ReadAnchor(IsoImageFile image)
    {
        long last = (image.Length / IsoImageFile.SectorSize) - 1;
        var buffer = new byte[IsoImageFile.SectorSize];
        IsoFormatException? first = null;
        foreach (long sector in new[] { 256, last - 256, last })
        {
            if (sector < 256 || sector > last)
            {
                continue;
            }

            string structure = $"UDF Anchor Volume Descriptor Pointer at sector {sector}";
            try
            {
                image.ReadSector(sector, buffer, structure);
                UdfTag.Expect(buffer, UdfTag.AnchorPointer, (uint)sector, structure);
                return (
                    (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20)), BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(16))),
                    (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(28)), BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(24))));
            }
            catch (IsoFormatException error)
            {
                first ??= error;
            }
        }

        throw first ?? new IsoFormatException("UDF Anchor Volume Descriptor Pointer", $"the {image.Length}-byte image is too short to hold one at sector 256 (truncated image?)");
    }

    private void BuildPartitions(UdfDescriptorSet set, byte[] table)
    {
        const string Lvd = "UDF Logical Volume Descriptor";
        var physical = new Dictionary<ushort, int>(); // partition number -> map index of its type 1 map
        var deferred = new List<(int Index, string Kind, byte[] Map)>();
        int at = 0;
        for (int i = 0; i < _partitions.Length; i++)
        {
            if (at + 2 > table.Length || table[at + 1] < 2 || at + table[at + 1] > table.Length)
            {
                throw new IsoFormatException($"{Lvd} partition map {i}", "it runs past the partition map table");
            }

            var map = table.AsSpan(at, table[at + 1]);
            at += map.Length;
            switch (map[0])
            {
                case 1 when map.Length >= 6:
                    ushort number = BinaryPrimitives.ReadUInt16LittleEndian(map[4..]);
                    _partitions[i] = Physical(set, number, $"{Lvd} partition map {i}");
                    physical.TryAdd(number, i);
                    break;
                case 2 when map.Length >= 64:
                    string kind = Encoding.ASCII.GetString(map.Slice(5, 23)).TrimEnd('\0', ' ');
                    deferred.Add((i, kind, map.ToArray()));
                    break;
                default:
                    throw new IsoFormatException($"{Lvd} partition map {i}", $"type {map[0]} with length {map.Length} is not a partition map");
            }
        }

        // Virtual partitions first: a metadata partition may lie on one.
        deferred.Sort((a, b) => (a.Kind == "*UDF Metadata Partition").CompareTo(b.Kind == "*UDF Metadata Partition"));
        foreach (var (index, kind, map) in deferred)
        {
            string structure = $"{Lvd} partition map {index} ({kind})";
            ushort number = BinaryPrimitives.ReadUInt16LittleEndian(map.AsSpan(38));
            if (!physical.TryGetValue(number, out int under))
            {
                throw new IsoFormatException(structure, $"partition {number} has no type 1 partition map to lie on");
            }

            _partitions[index] = kind switch
            {
                "*UDF Virtual Partition" => Virtual((UdfPhysicalPartition)_partitions[under]!, (ushort)under, structure),
                "*UDF Metadata Partition" => Metadata((ushort)under, BinaryPrimitives.ReadUInt32LittleEndian(map.AsSpan(40)), BinaryPrimitives.ReadUInt32LittleEndian(map.AsSpan(44)), structure),
                "*UDF Sparable Partition" => throw new IsoFormatException(structure, "sparable partitions (rewritable media with a sparing table) are not supported"),
                _ => throw new IsoFormatException(structure, "this type 2 partition map is not supported"),
            };
        }
    }

    private UdfPhysicalPartition Physical(UdfDescriptorSet set, ushort number, string structure)
    {
        if (!set.Partitions.TryGetValue(number, out var pd))
        {
            throw new IsoFormatException(structure, $"partition {number} has no Partition Descriptor");
        }

        return new UdfPhysicalPartition(Image, number, BinaryPrimitives.ReadUInt32LittleEndian(pd.AsSpan(188)), BinaryPrimitives.ReadUInt32LittleEndian(pd.AsSpan(192)));
    }

    private UdfVirtualPartition Virtual(UdfPhysicalPartition physical, ushort reference, string structure)
    {
        // On a closed or finalized write-once image, the VAT's File Entry is the last sector recorded.
        long last = (Image.Length / IsoImageFile.SectorSize) - 1;
        for (long sector = last; sector >= 0 && sector > last - VirtualAllocationTableSearch && sector >= physical.Start; sector--)
        {
            UdfFileEntry entry;
            try
            {
                entry = UdfFileEntry.Read(this, new UdfAddress((uint)(sector - physical.Start), reference), "the Virtual Allocation Table");
            }
            catch (IsoFormatException)
            {
                continue;
            }

            if (entry.Type is not (UdfFileType.VirtualAllocationTable or UdfFileType.Unspecified) || entry.Length > MaxVirtualAllocationTableBytes)
            {
                continue;
            }

            byte[] data = ReadContent(entry, "UDF Virtual Allocation Table");
            int start;
            int end;
            if (entry.Type == UdfFileType.VirtualAllocationTable)
            {
                start = data.Length >= 152 ? BinaryPrimitives.ReadUInt16LittleEndian(data) : int.MaxValue; // UDF 2.00: header length first
                end = data.Length;
            }
            else
            {
                // UDF 1.50: the entries, then the "*UDF Virtual Alloc Tbl" identifier and the previous VAT's location.
                start = 0;
                end = data.Length - 36;
                if (end < 0 || !data.AsSpan(end + 1, 22).SequenceEqual("*UDF Virtual Alloc Tbl"u8))
                {
                    continue;
                }
            }

            if (start > end)
            {
                throw new IsoFormatException(structure, $"the Virtual Allocation Table's header of {start} bytes is longer than the table");
            }

            var table = new uint[(end - start) / 4];
            for (int i = 0; i < table.Length; i++)
            {
                table[i] = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(start + (i * 4)));
            }

            return new UdfVirtualPartition(physical, table);
        }

        throw new IsoFormatException(structure, $"no Virtual Allocation Table in the last {VirtualAllocationTableSearch} sectors of the image (an open or truncated write-once image?)");
    }

    private UdfMetadataPartition Metadata(ushort reference, uint file, uint mirror, string structure)
    {
        try
        {
            return new UdfMetadataPartition(MetadataFile(reference, file, UdfFileType.Metadata, "the metadata file"));
        }
        catch (IsoFormatException mainError)
        {
            try
            {
                return new UdfMetadataPartition(MetadataFile(reference, mirror, UdfFileType.MetadataMirror, "the metadata mirror file"));
            }
            catch (IsoFormatException)
            {
                throw new IsoFormatException(structure, $"neither the metadata file nor its mirror can be read ({mainError.Message})");
            }
        }
    }

    private IReadOnlyList<IsoExtent> MetadataFile(ushort reference, uint block, UdfFileType expected, string name)
    {
        var entry = UdfFileEntry.Read(this, new UdfAddress(block, reference), name);
        if (entry.Type != expected)
        {
            throw new IsoFormatException($"UDF File Entry of {name}", $"file type {(int)entry.Type} is not {(int)expected}");
        }

        return entry.Runs;
    }

    private byte[] ReadContent(UdfFileEntry entry, string structure)
    {
        var data = new byte[entry.Length];
        int at = 0;
        foreach (var run in entry.Runs)
        {
            Image.ReadExactly(run.Offset, data.AsSpan(at, (int)run.Length), structure);
            at += (int)run.Length;
        }

        return data;
    }
}
