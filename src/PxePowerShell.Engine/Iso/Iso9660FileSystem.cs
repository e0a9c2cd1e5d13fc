using System.Collections.Concurrent;
using System.Text;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// The ISO 9660 name spaces: the plain one (names as Linux shows them with map=normal: lower case, no ";1"), Joliet
/// (UCS-2 names from a supplementary volume descriptor) and Rock Ridge (POSIX names, symbolic links and modes from the
/// SUSP entries of the primary tree, with relocated deep directories put back where they belong). Directories are read
/// when first listed and cached; every length is checked against the image.
/// </summary>
internal sealed class Iso9660FileSystem : IIsoFileSystem
{
    /// <summary>The largest directory extent read (a directory of 100,000 files is ~5 MiB).</summary>
    public const long MaxDirectoryBytes = 64L * 1024 * 1024;

    private readonly IsoImageFile _image;
    private readonly IsoNameSpace _kind;
    private readonly int _suspSkip;
    private readonly ConcurrentDictionary<long, IReadOnlyList<IsoEntry>> _directories = new();

    private Iso9660FileSystem(IsoImageFile image, IsoNameSpace kind, string label, IsoEntry root, int suspSkip)
    {
        _image = image;
        _kind = kind;
        VolumeLabel = label;
        Root = root;
        _suspSkip = suspSkip;
    }

    /// <inheritdoc />
    public string Name => _kind switch
    {
        IsoNameSpace.Joliet => "Joliet",
        IsoNameSpace.RockRidge => "RockRidge",
        _ => "ISO9660",
    };

    /// <inheritdoc />
    public string VolumeLabel { get; }

    /// <inheritdoc />
    public IsoEntry Root { get; }

    /// <summary>
    /// Reads the tree whose root directory record is <paramref name="rootRecord"/> (34 bytes from a volume descriptor).
    /// For <see cref="IsoNameSpace.RockRidge"/>, returns null when the root carries no SUSP "SP" entry with Rock Ridge.
    /// </summary>
    internal static Iso9660FileSystem? Open(IsoImageFile image, IsoNameSpace kind, ReadOnlySpan<byte> rootRecord, string label)
    {
        if (!IsoDirectoryRecord.TryRead(rootRecord, "the volume descriptor's root", out var root) || !root.IsDirectory)
        {
            throw new IsoFormatException("root directory record", "the volume descriptor holds no valid root directory record");
        }

        var rootEntry = new IsoEntry("", IsoEntryKind.Directory, root.DataLength, [new IsoExtent((long)root.ExtentLba * IsoImageFile.SectorSize, root.DataLength)], root.RecordedAt);
        CheckExtent(image, rootEntry.Extents[0], "/");
        int skip = 0;
        if (kind == IsoNameSpace.RockRidge)
        {
            // The "." record of the root starts with SP (check bytes BE EF) and says how many bytes to skip in every record.
            var first = new byte[Math.Min(IsoImageFile.SectorSize, Math.Max(root.DataLength, 1))];
            image.ReadExactly(rootEntry.Extents[0].Offset, first, "root directory");
            if (!IsoDirectoryRecord.TryRead(first, "/", out var dot))
            {
                return null;
            }

            var su = dot.SystemUse;
            if (su.Length < 7 || su[0] != (byte)'S' || su[1] != (byte)'P' || su[4] != 0xBE || su[5] != 0xEF)
            {
                return null;
            }

            // SP in the root is how mkisofs, genisoimage and xorriso mark a Rock Ridge tree (the ER entry naming RRIP
            // may sit in a continuation area); the entries of each record are read when its directory is listed.
            skip = su[6];
        }

        return new Iso9660FileSystem(image, kind, label, rootEntry, skip);
    }

    /// <inheritdoc />
    public IReadOnlyList<IsoEntry> List(IsoEntry directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!directory.IsDirectory || directory.Extents.Count == 0)
        {
            return [];
        }

        var extent = directory.Extents[0];
        return _directories.GetOrAdd(extent.Offset, _ => ReadDirectory(extent, directory.Name.Length == 0 ? "/" : directory.Name));
    }

    private IReadOnlyList<IsoEntry> ReadDirectory(IsoExtent extent, string where)
    {
        CheckExtent(_image, extent, where);
        if (extent.Length > MaxDirectoryBytes)
        {
            throw new IsoFormatException($"directory {where}", $"its extent is {extent.Length} bytes, more than the {MaxDirectoryBytes} a directory may have");
        }

        var data = new byte[extent.Length];
        _image.ReadExactly(extent.Offset, data, $"directory {where}");
        var entries = new List<IsoEntry>();
        IsoEntry? pending = null; // a multi-extent file still collecting extents
        List<IsoExtent>? pendingExtents = null;
        for (int sector = 0; sector < data.Length; sector += IsoImageFile.SectorSize)
        {
            int end = Math.Min(sector + IsoImageFile.SectorSize, data.Length);
            int at = sector;
            while (at < end && IsoDirectoryRecord.TryRead(data.AsSpan(at, end - at), where, out var record))
            {
                at += record.Length;
                var id = record.Identifier;
                if (id.Length == 1 && id[0] is 0 or 1)
                {
                    continue; // "." and ".."
                }

                if (record.FileUnitSize != 0)
                {
                    throw new IsoFormatException($"directory record in {where}", "interleaved files are not supported");
                }

                var rr = _kind == IsoNameSpace.RockRidge ? RockRidgeEntries.Parse(record.SystemUse, _suspSkip, _image, where) : null;
                if (rr is { Relocated: true })
                {
                    continue; // listed where it belongs, through its CL entry
                }

                var fileExtent = new IsoExtent((long)record.ExtentLba * IsoImageFile.SectorSize, record.DataLength);
                if (rr?.ChildLink is { } child)
                {
                    fileExtent = RelocatedExtent(child, where);
                }

                string name = NameOf(record, rr);
                if (pending is not null && pendingExtents is not null && string.Equals(pending.Name, name, StringComparison.Ordinal))
                {
                    pendingExtents.Add(fileExtent);
                    if (!record.HasMoreExtents)
                    {
                        entries.Add(Finish(pending, pendingExtents, where));
                        pending = null;
                        pendingExtents = null;
                    }

                    continue;
                }

                if (pending is not null)
                {
                    throw new IsoFormatException($"directory record in {where}", $"the multi-extent file '{pending.Name}' ends without its final record");
                }

                var kind = rr?.SymlinkTarget is not null ? IsoEntryKind.Symlink : rr?.ChildLink is not null || record.IsDirectory ? IsoEntryKind.Directory : IsoEntryKind.File;
                var entry = new IsoEntry(
                    name,
                    kind,
                    kind == IsoEntryKind.Symlink ? 0 : fileExtent.Length,
                    kind == IsoEntryKind.Symlink ? [] : [fileExtent],
                    rr?.Modified ?? record.RecordedAt,
                    rr?.SymlinkTarget,
                    rr?.Mode is { } mode ? mode & 0xFFF : null);
                if (record.HasMoreExtents && kind == IsoEntryKind.File)
                {
                    pending = entry;
                    pendingExtents = [fileExtent];
                    continue;
                }

                if (kind != IsoEntryKind.Symlink)
                {
                    CheckExtent(_image, fileExtent, $"{where}/{name}");
                }

                entries.Add(entry);
                if (entries.Count > 1_000_000)
                {
                    throw new IsoFormatException($"directory {where}", "more than 1,000,000 entries");
                }
            }
        }

        if (pending is not null)
        {
            throw new IsoFormatException($"directory {where}", $"the multi-extent file '{pending.Name}' ends without its final record");
        }

        return entries;
    }

    private IsoEntry Finish(IsoEntry pending, List<IsoExtent> extents, string where)
    {
        long total = 0;
        foreach (var e in extents)
        {
            CheckExtent(_image, e, $"{where}/{pending.Name}");
            total += e.Length;
        }

        return pending with { Length = total, Extents = extents.ToArray() };
    }

    private IsoExtent RelocatedExtent(uint lba, string where)
    {
        // The relocated directory's "." record holds its own extent length.
        var first = new byte[IsoImageFile.SectorSize];
        _image.ReadSector(lba, first, $"relocated directory under {where}");
        if (!IsoDirectoryRecord.TryRead(first, where, out var dot) || !dot.IsDirectory || dot.ExtentLba != lba)
        {
            throw new IsoFormatException($"Rock Ridge CL entry in {where}", $"block {lba} does not start a directory");
        }

        return new IsoExtent((long)lba * IsoImageFile.SectorSize, dot.DataLength);
    }

    private string NameOf(IsoDirectoryRecord record, RockRidgeEntries? rr)
    {
        if (rr?.Name is { } posix)
        {
            return posix;
        }

        var id = record.Identifier;
        string name = _kind == IsoNameSpace.Joliet
            ? Encoding.BigEndianUnicode.GetString(id[..(id.Length & ~1)])
            : Encoding.Latin1.GetString(id);
        int version = name.LastIndexOf(';');
        if (version > 0)
        {
            name = name[..version];
        }

        if (!record.IsDirectory && name.EndsWith('.'))
        {
            name = name[..^1];
        }

        return _kind == IsoNameSpace.Joliet ? name : name.ToLowerInvariant();
    }

    private static void CheckExtent(IsoImageFile image, IsoExtent extent, string where)
    {
        if (extent.Offset < 0 || extent.Length < 0 || extent.Offset > image.Length || extent.Length > image.Length - extent.Offset)
        {
            throw new IsoFormatException($"extent of {where}", $"bytes {extent.Offset}..{extent.Offset + extent.Length} lie outside the {image.Length}-byte image");
        }
    }
}
