using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A Volume Descriptor Sequence (main or reserve): the Primary Volume Descriptor, the Partition Descriptors and the
/// Logical Volume Descriptor, read up to the Terminating Descriptor and through Volume Descriptor Pointers.
/// </summary>
internal sealed class UdfDescriptorSet
{
    /// <summary>The most sectors one sequence is read across (pointers included).</summary>
    public const int MaxSectors = 1024;

    /// <summary>The most Volume Descriptor Pointers followed.</summary>
    public const int MaxPointers = 16;

    private UdfDescriptorSet(byte[]? primary, byte[] logical, Dictionary<ushort, byte[]> partitions)
    {
        Primary = primary;
        LogicalVolume = logical;
        Partitions = partitions;
    }

    /// <summary>The Primary Volume Descriptor, when there is one.</summary>
    public byte[]? Primary { get; }

    /// <summary>The Logical Volume Descriptor.</summary>
    public byte[] LogicalVolume { get; }

    /// <summary>The Partition Descriptors by partition number.</summary>
    public IReadOnlyDictionary<ushort, byte[]> Partitions { get; }

    /// <summary>Reads the sequence of <paramref name="length"/> bytes at sector <paramref name="location"/>.</summary>
    /// <exception cref="IsoFormatException">A descriptor is corrupt, or the sequence lacks a Logical Volume or Partition Descriptor.</exception>
    public static UdfDescriptorSet Read(IsoImageFile image, uint location, uint length, string what)
    {
        byte[]? primary = null;
        byte[]? logical = null;
        var partitions = new Dictionary<ushort, byte[]>();
        var buffer = new byte[IsoImageFile.SectorSize];
        int pointers = 0;
        int read = 0;
        long sector = location;
        long end = location + (length / IsoImageFile.SectorSize);
        if (length < IsoImageFile.SectorSize)
        {
            throw new IsoFormatException($"UDF {what}", $"its extent of {length} bytes holds no descriptor");
        }

        while (sector < end)
        {
            if (++read > MaxSectors)
            {
                throw new IsoFormatException($"UDF {what}", $"more than {MaxSectors} descriptors without a Terminating Descriptor");
            }

            string structure = $"UDF {what} descriptor at sector {sector}";
            image.ReadSector(sector, buffer, structure);
            if (UdfTag.IsBlank(buffer))
            {
                break; // unrecorded: the sequence ends here
            }

            ushort ident = UdfTag.Check(buffer, (uint)sector, structure);
            if (ident == UdfTag.Terminating)
            {
                break;
            }

            switch (ident)
            {
                case UdfTag.PrimaryVolume:
                    primary ??= (byte[])buffer.Clone();
                    break;
                case UdfTag.LogicalVolume:
                    logical ??= (byte[])buffer.Clone();
                    break;
                case UdfTag.Partition:
                    partitions.TryAdd(BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(22)), (byte[])buffer.Clone());
                    break;
                case UdfTag.VolumePointer:
                    if (++pointers > MaxPointers)
                    {
                        throw new IsoFormatException(structure, $"more than {MaxPointers} Volume Descriptor Pointers (a loop?)");
                    }

                    uint nextLength = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
                    sector = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(24));
                    end = sector + (nextLength / IsoImageFile.SectorSize);
                    continue;
                case 4 or 7: // Implementation Use, Unallocated Space
                    break;
                default:
                    throw new IsoFormatException(structure, $"tag identifier {ident} is not a volume descriptor");
            }

            sector++;
        }

        if (logical is null)
        {
            throw new IsoFormatException($"UDF {what}", "there is no Logical Volume Descriptor");
        }

        if (partitions.Count == 0)
        {
            throw new IsoFormatException($"UDF {what}", "there is no Partition Descriptor");
        }

        return new UdfDescriptorSet(primary, logical, partitions);
    }
}
