using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// The 16-byte descriptor tag that starts every ECMA-167 descriptor: identifier (0-1), version (2-3), checksum of bytes
/// 0-3 and 5-15 (4), reserved (5), serial number (6-7), CRC (8-9) of the CRC length (10-11) bytes after the tag, and the
/// tag location (12-15), the logical block the descriptor is recorded in.
/// </summary>
internal static class UdfTag
{
    /// <summary>The length of a tag.</summary>
    public const int Length = 16;

    /// <summary>Primary Volume Descriptor.</summary>
    public const ushort PrimaryVolume = 1;

    /// <summary>Anchor Volume Descriptor Pointer.</summary>
    public const ushort AnchorPointer = 2;

    /// <summary>Volume Descriptor Pointer.</summary>
    public const ushort VolumePointer = 3;

    /// <summary>Partition Descriptor.</summary>
    public const ushort Partition = 5;

    /// <summary>Logical Volume Descriptor.</summary>
    public const ushort LogicalVolume = 6;

    /// <summary>Terminating Descriptor.</summary>
    public const ushort Terminating = 8;

    /// <summary>File Set Descriptor.</summary>
    public const ushort FileSet = 256;

    /// <summary>File Identifier Descriptor.</summary>
    public const ushort FileIdentifier = 257;

    /// <summary>Allocation Extent Descriptor.</summary>
    public const ushort AllocationExtent = 258;

    /// <summary>Indirect Entry.</summary>
    public const ushort IndirectEntry = 259;

    /// <summary>Terminal Entry.</summary>
    public const ushort TerminalEntry = 260;

    /// <summary>File Entry.</summary>
    public const ushort FileEntry = 261;

    /// <summary>Extended File Entry (UDF 2.00 and later).</summary>
    public const ushort ExtendedFileEntry = 266;

    /// <summary>The identifier of the tag at the start of <paramref name="descriptor"/>, without checking it.</summary>
    public static ushort Identifier(ReadOnlySpan<byte> descriptor) => BinaryPrimitives.ReadUInt16LittleEndian(descriptor);

    /// <summary>True when <paramref name="descriptor"/> starts with nothing but zeros where a tag would be (unrecorded space).</summary>
    public static bool IsBlank(ReadOnlySpan<byte> descriptor) => descriptor[..Length].IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// Checks the tag at the start of <paramref name="descriptor"/>: checksum, CRC over the bytes that follow it (which must
    /// lie inside <paramref name="descriptor"/>) and, when <paramref name="location"/> is given, the recorded location.
    /// Returns the tag identifier.
    /// </summary>
    /// <exception cref="IsoFormatException">Any of them is wrong; the message names <paramref name="structure"/>.</exception>
    public static ushort Check(ReadOnlySpan<byte> descriptor, uint? location, string structure)
    {
        if (descriptor.Length < Length)
        {
            throw new IsoFormatException(structure, $"{descriptor.Length} bytes are too short for a descriptor tag");
        }

        int sum = 0;
        for (int i = 0; i < Length; i++)
        {
            if (i != 4)
            {
                sum += descriptor[i];
            }
        }

        if ((byte)sum != descriptor[4])
        {
            throw new IsoFormatException(structure, $"tag checksum mismatch (recorded 0x{descriptor[4]:x2}, computed 0x{(byte)sum:x2}; not a descriptor, or a damaged one)");
        }

        int crcLength = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[10..]);
        if (crcLength > descriptor.Length - Length)
        {
            throw new IsoFormatException(structure, $"tag CRC length {crcLength} runs past the {descriptor.Length}-byte descriptor");
        }

        ushort recorded = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[8..]);
        ushort computed = UdfCrc.Compute(descriptor.Slice(Length, crcLength));
        if (recorded != computed)
        {
            throw new IsoFormatException(structure, $"tag CRC mismatch (recorded 0x{recorded:x4}, computed 0x{computed:x4})");
        }

        uint at = BinaryPrimitives.ReadUInt32LittleEndian(descriptor[12..]);
        if (location is { } expected && at != expected)
        {
            throw new IsoFormatException(structure, $"tag location {at} is not the block {expected} it was read from");
        }

        return Identifier(descriptor);
    }

    /// <summary>Like <see cref="Check"/>, and the identifier must be <paramref name="expected"/>.</summary>
    public static void Expect(ReadOnlySpan<byte> descriptor, ushort expected, uint? location, string structure)
    {
        ushort found = Identifier(descriptor);
        if (found != expected)
        {
            throw new IsoFormatException(structure, $"tag identifier {found} where descriptor {expected} was expected");
        }

        Check(descriptor, location, structure);
    }
}
