using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// Allocation descriptors (ECMA-167 4/14.14): short_ad, long_ad and ext_ad sequences, continued through Allocation
/// Extent Descriptors, turned into the image runs of a file's content.
/// </summary>
internal static class UdfAllocation
{
    private const uint LengthMask = 0x3FFF_FFFF;

    /// <summary>Reads a 16-byte long_ad.</summary>
    public static UdfLongAddress ReadLongAddress(ReadOnlySpan<byte> field) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(field) & LengthMask,
        new UdfAddress(BinaryPrimitives.ReadUInt32LittleEndian(field[4..]), BinaryPrimitives.ReadUInt16LittleEndian(field[8..])));

    /// <summary>
    /// Appends to <paramref name="runs"/> where the first <paramref name="length"/> bytes of the content described by
    /// <paramref name="descriptors"/> lie. Short descriptors refer to <paramref name="partition"/>, the entry's own.
    /// </summary>
    /// <exception cref="IsoFormatException">Descriptors that are corrupt, loop, chain too far, describe unrecorded (sparse) extents, or do not cover the length.</exception>
    public static void Collect(UdfVolume volume, UdfAllocationForm form, ReadOnlySpan<byte> descriptors, ushort partition, long length, List<IsoExtent> runs, string structure, string where)
    {
        int size = form switch
        {
            UdfAllocationForm.Short => 8,
            UdfAllocationForm.Long => 16,
            UdfAllocationForm.Extended => 20,
            _ => throw new IsoFormatException(structure, $"allocation descriptor form {(int)form} is not defined"),
        };
        long remaining = length;
        byte[] current = descriptors.ToArray();
        var visited = new HashSet<UdfAddress>();
        byte[] block = new byte[IsoImageFile.SectorSize];
        for (int continuations = 0; ; continuations++)
        {
            UdfAddress? next = null;
            for (int at = 0; at + size <= current.Length; at += size)
            {
                var ad = current.AsSpan(at, size);
                uint raw = BinaryPrimitives.ReadUInt32LittleEndian(ad);
                uint extentLength = raw & LengthMask;
                int kind = (int)(raw >> 30);
                if (extentLength == 0)
                {
                    break; // the end of the descriptors
                }

                uint recorded = extentLength;
                UdfAddress address;
                switch (form)
                {
                    case UdfAllocationForm.Short:
                        address = new UdfAddress(BinaryPrimitives.ReadUInt32LittleEndian(ad[4..]), partition);
                        break;
                    case UdfAllocationForm.Long:
                        address = new UdfAddress(BinaryPrimitives.ReadUInt32LittleEndian(ad[4..]), BinaryPrimitives.ReadUInt16LittleEndian(ad[8..]));
                        break;
                    default:
                        recorded = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(ad[4..]) & LengthMask, extentLength);
                        address = new UdfAddress(BinaryPrimitives.ReadUInt32LittleEndian(ad[12..]), BinaryPrimitives.ReadUInt16LittleEndian(ad[16..]));
                        break;
                }

                if (kind == 3)
                {
                    next = address; // the next extent of allocation descriptors
                    break;
                }

                if (remaining == 0)
                {
                    continue; // allocated past the end of the file
                }

                long take = Math.Min(kind == 0 ? recorded : 0, remaining);
                if (take > 0)
                {
                    volume.Map(address, take, runs, $"extent of {where}");
                    remaining -= take;
                }

                if (remaining > 0 && take < extentLength)
                {
                    throw new IsoFormatException($"UDF allocation descriptors of {where}", "an extent that is not recorded (a sparse file) is not supported");
                }
            }

            if (next is not { } following)
            {
                break;
            }

            string aed = $"UDF Allocation Extent Descriptor of {where} at {following}";
            if (continuations >= UdfFileEntry.MaxAllocationContinuations || !visited.Add(following))
            {
                throw new IsoFormatException(aed, $"allocation extent descriptors loop or chain more than {UdfFileEntry.MaxAllocationContinuations} times");
            }

            volume.ReadBlock(following, block, aed);
            UdfTag.Expect(block, UdfTag.AllocationExtent, following.Block, aed);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(20));
            if (count > IsoImageFile.SectorSize - 24)
            {
                throw new IsoFormatException(aed, $"{count} bytes of allocation descriptors run past the block");
            }

            current = block.AsSpan(24, (int)count).ToArray();
            if (form == UdfAllocationForm.Short)
            {
                partition = following.Partition;
            }
        }

        if (remaining > 0)
        {
            throw new IsoFormatException($"UDF allocation descriptors of {where}", $"they cover {length - remaining} bytes but the information length is {length}");
        }
    }
}
