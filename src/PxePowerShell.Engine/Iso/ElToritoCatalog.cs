using System.Buffers.Binary;

namespace PxePowerShell.Engine.Iso;

/// <summary>Reads an El Torito boot catalog (the default entry and every section entry). A pure codec over the catalog sector.</summary>
internal static class ElToritoCatalog
{
    /// <summary>Parses the catalog in <paramref name="sector"/> (its first 2048-byte block).</summary>
    /// <exception cref="IsoFormatException">The validation entry's key bytes or checksum are wrong.</exception>
    public static IReadOnlyList<IsoBootImage> Parse(ReadOnlySpan<byte> sector)
    {
        if (sector.Length < 64 || sector[0] != 0x01 || sector[30] != 0x55 || sector[31] != 0xAA)
        {
            throw new IsoFormatException("El Torito validation entry", "the header id or the 55 AA key bytes are missing");
        }

        ushort sum = 0;
        for (int i = 0; i < 32; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16LittleEndian(sector[i..]);
        }

        if (sum != 0)
        {
            throw new IsoFormatException("El Torito validation entry", "the checksum does not add up to zero");
        }

        var images = new List<IsoBootImage> { Entry(sector.Slice(32, 32), sector[1]) };
        int at = 64;
        while (at + 32 <= sector.Length)
        {
            byte header = sector[at];
            if (header is not (0x90 or 0x91))
            {
                break;
            }

            byte platform = sector[at + 1];
            int count = BinaryPrimitives.ReadUInt16LittleEndian(sector[(at + 2)..]);
            at += 32;
            for (int i = 0; i < count && at + 32 <= sector.Length; i++, at += 32)
            {
                if (sector[at] is 0x88 or 0x00)
                {
                    images.Add(Entry(sector.Slice(at, 32), platform));
                }

                // Section entry extensions (0x44) follow their entry; skip them.
                while (at + 64 <= sector.Length && sector[at + 32] == 0x44)
                {
                    at += 32;
                }
            }

            if (header == 0x91)
            {
                break;
            }
        }

        return images;
    }

    private static IsoBootImage Entry(ReadOnlySpan<byte> e, byte platform)
    {
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(e[6..]);
        return new IsoBootImage(
            platform switch { 0x00 => "BIOS", 0xEF => "UEFI", 0x01 => "PowerPC", 0x02 => "Mac", _ => $"0x{platform:X2}" },
            (e[1] & 0x0F) switch { 0 => "NoEmulation", 1 => "Floppy1.2M", 2 => "Floppy1.44M", 3 => "Floppy2.88M", 4 => "HardDisk", _ => $"0x{e[1] & 0x0F:X}" },
            e[0] == 0x88,
            BinaryPrimitives.ReadUInt16LittleEndian(e[2..]),
            count,
            BinaryPrimitives.ReadUInt32LittleEndian(e[8..]),
            count * 512L);
    }
}
