using System.Collections.Concurrent;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// The UDF name space of an image (UDF 1.02–2.60, as UDF-only and ISO 9660/UDF bridge images record it): Unicode names
/// of up to 255 characters, files of any size in many extents, symbolic links, POSIX permissions. Directories are read
/// when first listed and cached; every entry of a listed directory has its File Entry read so its length, kind and
/// extents are known. Every descriptor's tag checksum, CRC and location are checked, every length is bounded, and a
/// directory that appears twice in the tree (a loop) is an <see cref="IsoFormatException"/>.
/// </summary>
internal sealed class UdfFileSystem : IIsoFileSystem
{
    /// <summary>The largest directory read (a directory of 100,000 files with long names is ~10 MiB).</summary>
    public const long MaxDirectoryBytes = 64L * 1024 * 1024;

    private readonly UdfVolume _volume;
    private readonly ConcurrentDictionary<long, IReadOnlyList<IsoEntry>> _directories = new();
    private readonly ConcurrentDictionary<long, long> _parents = new(); // directory (first extent offset) -> the directory that lists it
    private readonly ConcurrentDictionary<long, string> _paths = new(); // directory (first extent offset) -> its path, for errors

    private UdfFileSystem(UdfVolume volume, string name, IsoEntry root)
    {
        _volume = volume;
        Name = name;
        Root = root;
    }

    /// <inheritdoc />
    /// <remarks>"UDF 1.02", "UDF 2.01", "UDF 2.50"...: the revision of the Logical Volume Descriptor's domain identifier
    /// (the File Set Descriptor's when that one records none).</remarks>
    public string Name { get; }

    /// <inheritdoc />
    public string VolumeLabel => _volume.Label;

    /// <inheritdoc />
    public IsoEntry Root { get; }

    /// <summary>
    /// Reads the UDF structures of <paramref name="image"/>; null when the image has no UDF volume recognition sequence
    /// (BEA01, NSR02 or NSR03, TEA01 from sector 16).
    /// </summary>
    /// <exception cref="IsoFormatException">The image says it holds UDF but its structures are corrupt or not supported.</exception>
    public static UdfFileSystem? TryOpen(IsoImageFile image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!UdfVolume.HasRecognitionSequence(image))
        {
            return null;
        }

        var volume = UdfVolume.Open(image);
        string structure = $"UDF File Set Descriptor at {volume.FileSet}";
        byte[] fsd = new byte[IsoImageFile.SectorSize];
        volume.ReadBlock(volume.FileSet, fsd, structure);
        UdfTag.Expect(fsd, UdfTag.FileSet, volume.FileSet.Block, structure);
        ushort revision = volume.Revision != 0 ? volume.Revision : UdfVolume.DomainRevision(fsd.AsSpan(416));
        string name = revision == 0 ? "UDF" : $"UDF {revision >> 8:x}.{revision & 0xFF:x2}";
        var rootIcb = UdfAllocation.ReadLongAddress(fsd.AsSpan(400));
        var rootEntry = UdfFileEntry.Read(volume, rootIcb.Address, "/");
        if (rootEntry.Type != UdfFileType.Directory)
        {
            throw new IsoFormatException($"UDF File Entry of / at {rootIcb.Address}", $"file type {(int)rootEntry.Type} is not a directory");
        }

        var root = new IsoEntry(string.Empty, IsoEntryKind.Directory, rootEntry.Length, rootEntry.Runs, rootEntry.Modified, null, rootEntry.UnixMode);
        return new UdfFileSystem(volume, name, root);
    }

    /// <inheritdoc />
    public IReadOnlyList<IsoEntry> List(IsoEntry directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!directory.IsDirectory || directory.Extents.Count == 0)
        {
            return [];
        }

        long key = directory.Extents[0].Offset;
        string where = _paths.TryGetValue(key, out var path) ? path : directory.Name.Length == 0 ? "/" : directory.Name;
        return _directories.GetOrAdd(key, _ => ReadDirectory(directory, key, where));
    }

    private IReadOnlyList<IsoEntry> ReadDirectory(IsoEntry directory, long key, string where)
    {
        if (directory.Length > MaxDirectoryBytes)
        {
            throw new IsoFormatException($"UDF directory {where}", $"it is {directory.Length} bytes long, more than the {MaxDirectoryBytes} a directory may have");
        }

        var data = new byte[directory.Length];
        int at = 0;
        foreach (var run in directory.Extents)
        {
            int take = (int)Math.Min(run.Length, data.Length - at);
            _volume.Image.ReadExactly(run.Offset, data.AsSpan(at, take), $"UDF directory {where}");
            at += take;
        }

        var entries = new List<IsoEntry>();
        foreach (var fid in UdfFileIdentifier.ReadAll(data, where))
        {
            if (fid.IsParent || fid.IsDeleted || fid.IsHidden || fid.Name.Length == 0 || fid.Name is "." or "..")
            {
                continue; // Linux hides hidden entries too unless mounted with "unhide"
            }

            string path = where == "/" ? "/" + fid.Name : $"{where}/{fid.Name}";
            var file = UdfFileEntry.Read(_volume, fid.Icb.Address, path);
            IsoEntry entry;
            switch (file.Type)
            {
                case UdfFileType.Directory:
                    entry = new IsoEntry(fid.Name, IsoEntryKind.Directory, file.Length, file.Runs, file.Modified, null, file.UnixMode);
                    CheckNotAncestor(entry, key, where);
                    if (entry.Extents.Count > 0)
                    {
                        _paths.TryAdd(entry.Extents[0].Offset, path);
                    }

                    break;
                case UdfFileType.File or UdfFileType.Unspecified or UdfFileType.RealTimeFile:
                    entry = new IsoEntry(fid.Name, IsoEntryKind.File, file.Length, file.Runs, file.Modified, null, file.UnixMode);
                    break;
                case UdfFileType.Symlink:
                    entry = new IsoEntry(fid.Name, IsoEntryKind.Symlink, 0, [], file.Modified, ReadLink(file, path), file.UnixMode);
                    break;
                default:
                    continue; // devices, FIFOs, sockets, stream directories: nothing to serve
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Records that <paramref name="child"/> is listed in the directory <paramref name="parent"/>; a directory listed twice, or its own ancestor, is a loop.</summary>
    private void CheckNotAncestor(IsoEntry child, long parent, string where)
    {
        if (child.Extents.Count == 0)
        {
            return;
        }

        long key = child.Extents[0].Offset;
        if (key == Root.Extents[0].Offset)
        {
            throw new IsoFormatException($"UDF directory {where}", $"its entry '{child.Name}' is the root directory again (a directory loop)");
        }

        for (long up = parent, depth = 0; depth < 100_000; depth++)
        {
            if (up == key)
            {
                throw new IsoFormatException($"UDF directory {where}", $"its entry '{child.Name}' is one of its own ancestors (a directory loop)");
            }

            if (!_parents.TryGetValue(up, out up))
            {
                break;
            }
        }

        long recorded = _parents.GetOrAdd(key, parent);
        if (recorded != parent)
        {
            throw new IsoFormatException($"UDF directory {where}", $"its entry '{child.Name}' is a directory already listed elsewhere (a directory loop)");
        }
    }

    private string ReadLink(UdfFileEntry file, string path)
    {
        if (file.Length > UdfSymlink.MaxLength)
        {
            throw new IsoFormatException($"UDF symbolic link {path}", $"its {file.Length} bytes are more than the {UdfSymlink.MaxLength} a link may have");
        }

        var content = new byte[file.Length];
        int at = 0;
        foreach (var run in file.Runs)
        {
            _volume.Image.ReadExactly(run.Offset, content.AsSpan(at, (int)run.Length), $"UDF symbolic link {path}");
            at += (int)run.Length;
        }

        return UdfSymlink.Parse(content, path);
    }
}
