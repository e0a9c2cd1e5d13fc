using System.Buffers.Binary;
using System.Text;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// What the Rock Ridge (RRIP 1.09/1.12 over SUSP) entries of one directory record say: the POSIX name (NM), symbolic link
/// target (SL), mode (PX), modification time (TF), and the relocation links of deep directories (CL, RE).
/// </summary>
internal sealed class RockRidgeEntries
{
    /// <summary>The most continuation areas followed for one record (a loop of CE entries ends here).</summary>
    public const int MaxContinuations = 16;

    /// <summary>The largest continuation area read.</summary>
    public const int MaxContinuationLength = 64 * 1024;

    /// <summary>True when any Rock Ridge entry was present.</summary>
    public bool Present { get; private set; }

    /// <summary>The NM name, or null.</summary>
    public string? Name { get; private set; }

    /// <summary>The SL target, or null.</summary>
    public string? SymlinkTarget { get; private set; }

    /// <summary>The PX mode (file type and permission bits), or null.</summary>
    public int? Mode { get; private set; }

    /// <summary>The TF modification time, or null.</summary>
    public DateTimeOffset? Modified { get; private set; }

    /// <summary>CL: the real location of a relocated directory, or null.</summary>
    public uint? ChildLink { get; private set; }

    /// <summary>RE: this record is the relocated directory itself, listed where it really belongs (via CL) instead.</summary>
    public bool Relocated { get; private set; }

    /// <summary>
    /// Parses the system use area <paramref name="systemUse"/> (after skipping <paramref name="skip"/> bytes as the SP
    /// entry says), following CE continuation areas through <paramref name="image"/>.
    /// </summary>
    public static RockRidgeEntries Parse(ReadOnlySpan<byte> systemUse, int skip, IsoImageFile image, string where)
    {
        var result = new RockRidgeEntries();
        var name = new StringBuilder();
        var link = new StringBuilder();
        bool nameDone = false, linkDone = false, linkComponentOpen = false;
        ReadOnlySpan<byte> area = skip < systemUse.Length ? systemUse[skip..] : [];
        byte[]? continuation = null;
        int continuations = 0;
        while (true)
        {
            (long Offset, int Length)? next = null;
            while (area.Length >= 4)
            {
                int length = area[2];
                if (length < 4 || length > area.Length)
                {
                    break; // padding or a truncated entry: the area ends here
                }

                var entry = area[..length];
                area = area[length..];
                switch ((char)entry[0], (char)entry[1])
                {
                    case ('N', 'M') when length >= 5 && !nameDone:
                        result.Present = true;
                        byte nmFlags = entry[4];
                        if ((nmFlags & 0x06) == 0)
                        {
                            name.Append(Encoding.UTF8.GetString(entry[5..]));
                        }

                        nameDone = (nmFlags & 0x01) == 0;
                        if (name.Length > 1024)
                        {
                            throw new IsoFormatException($"Rock Ridge NM entry in {where}", "the name is longer than 1,024 characters");
                        }

                        break;
                    case ('S', 'L') when length >= 5 && !linkDone:
                        result.Present = true;
                        ReadLink(entry[5..], link, ref linkComponentOpen, where);
                        linkDone = (entry[4] & 0x01) == 0;
                        break;
                    case ('P', 'X') when length >= 12:
                        result.Present = true;
                        result.Mode = (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
                        break;
                    case ('T', 'F') when length >= 5:
                        result.Present = true;
                        result.Modified = ReadModified(entry) ?? result.Modified;
                        break;
                    case ('C', 'L') when length >= 12:
                        result.Present = true;
                        result.ChildLink = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
                        break;
                    case ('R', 'E'):
                        result.Present = true;
                        result.Relocated = true;
                        break;
                    case ('R', 'R') or ('P', 'N') or ('P', 'L') or ('S', 'F') or ('Z', 'F'):
                        result.Present = true;
                        break;
                    case ('C', 'E') when length >= 28:
                        next = (
                            (long)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) * IsoImageFile.SectorSize + BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]),
                            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]), int.MaxValue));
                        break;
                    case ('S', 'T'):
                        area = [];
                        break;
                }
            }

            if (next is not { } ce)
            {
                break;
            }

            if (++continuations > MaxContinuations)
            {
                throw new IsoFormatException($"SUSP continuation area of {where}", $"more than {MaxContinuations} continuation areas (a CE loop?)");
            }

            if (ce.Length is <= 0 or > MaxContinuationLength)
            {
                throw new IsoFormatException($"SUSP continuation area of {where}", $"its length {ce.Length} is not between 1 and {MaxContinuationLength}");
            }

            continuation = new byte[ce.Length];
            image.ReadExactly(ce.Offset, continuation, $"SUSP continuation area of {where}");
            area = continuation;
        }

        result.Name = name.Length > 0 ? name.ToString() : null;
        result.SymlinkTarget = link.Length > 0 ? link.ToString() : null;
        return result;
    }

    private static void ReadLink(ReadOnlySpan<byte> components, StringBuilder link, ref bool componentOpen, string where)
    {
        while (components.Length >= 2)
        {
            byte flags = components[0];
            int length = components[1];
            if (2 + length > components.Length)
            {
                throw new IsoFormatException($"Rock Ridge SL entry in {where}", "a component runs past the entry");
            }

            var content = components.Slice(2, length);
            components = components[(2 + length)..];
            if (!componentOpen && link.Length > 0 && link[^1] != '/')
            {
                link.Append('/');
            }

            if ((flags & 0x08) != 0)
            {
                link.Clear().Append('/');
            }
            else if ((flags & 0x02) != 0)
            {
                link.Append('.');
            }
            else if ((flags & 0x04) != 0)
            {
                link.Append("..");
            }
            else
            {
                link.Append(Encoding.UTF8.GetString(content));
            }

            componentOpen = (flags & 0x01) != 0;
            if (link.Length > 4096)
            {
                throw new IsoFormatException($"Rock Ridge SL entry in {where}", "the link target is longer than 4,096 characters");
            }
        }
    }

    private static DateTimeOffset? ReadModified(ReadOnlySpan<byte> entry)
    {
        byte flags = entry[4];
        bool longForm = (flags & 0x80) != 0;
        int size = longForm ? 17 : 7;
        int index = 0;
        // Order: creation (0x01), modify (0x02), access (0x04), attributes (0x08)...
        if ((flags & 0x01) != 0)
        {
            index++;
        }

        if ((flags & 0x02) == 0 || longForm)
        {
            return null;
        }

        int at = 5 + (index * size);
        return at + size <= entry.Length ? IsoDirectoryRecord.DecodeTime(entry.Slice(at, size)) : null;
    }
}
