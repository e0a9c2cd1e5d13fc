using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A File Identifier Descriptor (ECMA-167 4/14.4): one name in a directory, the characteristics (hidden, directory,
/// deleted, parent) and the ICB of the entry it names. Descriptors follow each other in a directory's content, padded
/// to four bytes, and may straddle block boundaries.
/// </summary>
/// <param name="Name">The name (OSTA CS0 decoded).</param>
/// <param name="Characteristics">The file characteristics byte.</param>
/// <param name="Icb">The ICB of the entry named.</param>
internal readonly record struct UdfFileIdentifier(string Name, byte Characteristics, UdfLongAddress Icb)
{
    /// <summary>The fixed part of a descriptor, before the implementation use and the name.</summary>
    public const int FixedLength = 38;

    /// <summary>Hidden from directory listings.</summary>
    public bool IsHidden => (Characteristics & 1) != 0;

    /// <summary>Names a directory.</summary>
    public bool IsDirectory => (Characteristics & 2) != 0;

    /// <summary>Deleted: the name is no longer in the directory.</summary>
    public bool IsDeleted => (Characteristics & 4) != 0;

    /// <summary>The ".." entry, naming the parent directory.</summary>
    public bool IsParent => (Characteristics & 8) != 0;

    /// <summary>Reads every descriptor in <paramref name="directory"/> (the whole content of a directory).</summary>
    /// <exception cref="IsoFormatException">A descriptor is corrupt or runs past the directory's end.</exception>
    public static List<UdfFileIdentifier> ReadAll(ReadOnlySpan<byte> directory, string where)
    {
        var found = new List<UdfFileIdentifier>();
        int at = 0;
        while (at < directory.Length)
        {
            string structure = $"UDF File Identifier Descriptor in {where} at byte {at}";
            var rest = directory[at..];
            if (rest.Length < FixedLength)
            {
                if (rest.IndexOfAnyExcept((byte)0) < 0)
                {
                    break; // padding at the end
                }

                throw new IsoFormatException(structure, $"{rest.Length} bytes are too short for a descriptor");
            }

            int nameLength = rest[19];
            int useLength = BinaryPrimitives.ReadUInt16LittleEndian(rest[36..]);
            int length = FixedLength + useLength + nameLength;
            if (length > rest.Length)
            {
                throw new IsoFormatException(structure, $"its {length} bytes run past the end of the directory");
            }

            UdfTag.Expect(rest[..Math.Min(rest.Length, (length + 3) & ~3)], UdfTag.FileIdentifier, null, structure);
            var name = UdfCs0.Decode(rest.Slice(FixedLength + useLength, nameLength), structure);
            found.Add(new UdfFileIdentifier(name, rest[18], UdfAllocation.ReadLongAddress(rest[20..])));
            if (found.Count > 1_000_000)
            {
                throw new IsoFormatException($"UDF directory {where}", "more than 1,000,000 entries");
            }

            at += (length + 3) & ~3;
        }

        return found;
    }
}
