using System.Buffers.Binary;
using System.Text;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>Finds and patches UDF structures in image bytes for the reader's tests (tags are re-sealed so only the change is wrong).</summary>
internal static class UdfTestImages
{
    public const int Sector = 2048;

    /// <summary>The first sector of the (single) partition, from the main Volume Descriptor Sequence.</summary>
    public static int PartitionStart(byte[] image)
    {
        int vds = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan((256 * Sector) + 20));
        for (int s = vds; s < vds + 64; s++)
        {
            if (BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(s * Sector)) == 5)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan((s * Sector) + 188));
            }
        }

        throw new InvalidOperationException("no Partition Descriptor");
    }

    /// <summary>The byte offsets of the File Identifier Descriptor that names <paramref name="name"/> (8-bit CS0) and of the File Entry it points at.</summary>
    public static (int Fid, int Entry) Locate(byte[] image, string name)
    {
        byte[] needle = [8, .. Encoding.Latin1.GetBytes(name)];
        int start = PartitionStart(image);
        for (int p = image.AsSpan().IndexOf(needle); p >= 0; p = Next(image, needle, p))
        {
            for (int use = 0; use < 64 && p - 38 - use >= 0; use++)
            {
                int f = p - 38 - use;
                if (BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(f)) == 257 && image[f + 19] == needle.Length
                    && BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(f + 36)) == use)
                {
                    return (f, (start + BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(f + 24))) * Sector);
                }
            }
        }

        throw new InvalidOperationException($"no File Identifier Descriptor for {name}");
    }

    /// <summary>The byte offset of the content of the file whose File Entry is at <paramref name="entry"/>.</summary>
    public static int ContentOffset(byte[] image, int entry)
    {
        bool extended = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(entry)) == 266;
        int header = extended ? 216 : 176;
        int ea = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(entry + (extended ? 208 : 168)));
        int form = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(entry + 34)) & 7;
        int ads = entry + header + ea;
        return form switch
        {
            3 => ads,
            0 => (PartitionStart(image) + BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(ads + 4))) * Sector,
            _ => throw new InvalidOperationException($"allocation form {form}"),
        };
    }

    /// <summary>The offset of the first allocation descriptor of the File Entry at <paramref name="entry"/>.</summary>
    public static int AllocationDescriptors(byte[] image, int entry)
    {
        bool extended = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(entry)) == 266;
        return entry + (extended ? 216 : 176) + BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(entry + (extended ? 208 : 168)));
    }

    /// <summary>Recomputes the CRC and checksum of the tag at <paramref name="at"/>.</summary>
    public static void Seal(byte[] image, int at)
    {
        int crcLength = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at + 10));
        ushort crc = 0;
        foreach (byte b in image.AsSpan(at + 16, crcLength))
        {
            crc ^= (ushort)(b << 8);
            for (int i = 0; i < 8; i++)
            {
                crc = (ushort)((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
            }
        }

        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(at + 8), crc);
        int sum = 0;
        for (int i = 0; i < 16; i++)
        {
            sum += i == 4 ? 0 : image[at + i];
        }

        image[at + 4] = (byte)sum;
    }

    /// <summary>The offsets of every sector that starts with a valid UDF descriptor tag (identifiers 1-9 and 256-266).</summary>
    public static List<int> TaggedSectors(byte[] image)
    {
        var found = new List<int>();
        for (int at = 16 * Sector; at + Sector <= image.Length; at += Sector)
        {
            int ident = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at));
            int sum = 0;
            for (int i = 0; i < 16; i++)
            {
                sum += i == 4 ? 0 : image[at + i];
            }

            if ((ident is >= 1 and <= 9 or >= 256 and <= 266) && (byte)sum == image[at + 4])
            {
                found.Add(at);
            }
        }

        return found;
    }

    /// <summary>Lists every directory of <paramref name="fs"/> once and reads every file to the end; only IsoFormatException may escape.</summary>
    public static int Walk(IsoImageFile file, IIsoFileSystem fs)
    {
        var seen = new HashSet<long>();
        var pending = new Stack<IsoEntry>();
        pending.Push(fs.Root);
        int count = 0;
        byte[] buffer = new byte[65536];
        while (pending.Count > 0 && count < 100_000)
        {
            var directory = pending.Pop();
            if (directory.Extents.Count == 0 || !seen.Add(directory.Extents[0].Offset))
            {
                continue;
            }

            foreach (var entry in fs.List(directory))
            {
                count++;
                if (entry.IsDirectory)
                {
                    pending.Push(entry);
                }
                else if (entry.Kind == IsoEntryKind.File)
                {
                    using var reader = new IsoBootFile(file, entry);
                    for (long offset = 0; offset < reader.Length;)
                    {
                        int n = reader.Read(offset, buffer);
                        if (n == 0)
                        {
                            break;
                        }

                        offset += n;
                    }
                }
            }
        }

        return count;
    }

    private static int Next(byte[] image, byte[] needle, int after)
    {
        int n = image.AsSpan(after + 1).IndexOf(needle);
        return n < 0 ? -1 : after + 1 + n;
    }
}
