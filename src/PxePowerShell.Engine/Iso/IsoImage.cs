using System.Text;
using PxePowerShell.Engine.Iso.Udf;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// An opened ISO image: every name space it holds (ISO 9660, Joliet, Rock Ridge, UDF), the one served, the El Torito boot
/// images, and path lookup with a case-insensitive fallback and symbolic links resolved inside the image. Reads go
/// through one file handle, positionally, so any number of transfers can read at once.
/// </summary>
/// <remarks>
/// The name space served is the richest one found, in this order: Rock Ridge, UDF (when its root is not empty, or when
/// it is the only name space), Joliet, plain ISO 9660. So UDF wins over plain ISO 9660 and Joliet (long Unicode names,
/// files over 4 GiB in few extents) but not over Rock Ridge, which carries POSIX names, modes and symbolic links as
/// Linux shows them: UDF is served only when it is present and Rock Ridge is absent. In a hybrid image whose UDF side is
/// corrupt or not supported, the ISO 9660 side is served and <see cref="IgnoredUdfError"/> says why.
/// </remarks>
public sealed class IsoImage : IDisposable
{
    /// <summary>How many volume descriptors are read before giving up on a terminator.</summary>
    public const int MaxVolumeDescriptors = 64;

    /// <summary>How many symbolic links one lookup follows.</summary>
    public const int MaxSymlinkHops = 32;

    private readonly IsoImageFile _file;
    private int _references = 1; // the owner's, plus one per open file

    private IsoImage(IsoImageFile file, IReadOnlyList<IIsoFileSystem> fileSystems, IIsoFileSystem served, IReadOnlyList<IsoBootImage> bootImages, IsoFormatException? ignoredUdfError)
    {
        _file = file;
        IgnoredUdfError = ignoredUdfError;
        AllFileSystems = fileSystems;
        FileSystem = served;
        BootImages = bootImages;
    }

    /// <summary>The image file's full path.</summary>
    public string Path => _file.Path;

    /// <summary>The image's size in bytes.</summary>
    public long Size => _file.Length;

    /// <summary>When the image file last changed.</summary>
    public DateTimeOffset LastModified => _file.LastModified;

    /// <summary>The volume label of the served name space (the primary descriptor's when that one has none).</summary>
    public string VolumeLabel => FileSystem.VolumeLabel.Length > 0 ? FileSystem.VolumeLabel : AllFileSystems.Select(f => f.VolumeLabel).FirstOrDefault(l => l.Length > 0) ?? string.Empty;

    /// <summary>The names of every name space found ("ISO9660", "Joliet", "RockRidge", "UDF 1.02"...).</summary>
    public IReadOnlyList<string> FileSystems => AllFileSystems.Select(f => f.Name).ToList();

    /// <summary>Every name space found.</summary>
    public IReadOnlyList<IIsoFileSystem> AllFileSystems { get; }

    /// <summary>The name space served.</summary>
    public IIsoFileSystem FileSystem { get; }

    /// <summary>The El Torito boot images (BIOS, UEFI), empty when the image is not bootable.</summary>
    public IReadOnlyList<IsoBootImage> BootImages { get; }

    /// <summary>
    /// Why the UDF name space of a hybrid image was left out (corrupt or not supported), so its ISO 9660 side is served;
    /// null when there was no such problem.
    /// </summary>
    public IsoFormatException? IgnoredUdfError { get; }

    /// <summary>The underlying image file (for positional reads of extents).</summary>
    public IsoImageFile File => _file;

    /// <summary>Opens and reads the structures of <paramref name="path"/>.</summary>
    /// <exception cref="IsoFormatException">The file is not an ISO image or its structures are corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IsoImage Open(string path)
    {
        var file = IsoImageFile.Open(path);
        try
        {
            return Read(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static IsoImage Read(IsoImageFile file)
    {
        var found = new List<IIsoFileSystem>();
        var boot = new List<IsoBootImage>();
        byte[] sector = new byte[IsoImageFile.SectorSize];
        byte[]? primary = null;
        byte[]? joliet = null;
        bool terminated = false;
        bool iso9660 = file.Length >= 17L * IsoImageFile.SectorSize;
        for (int i = 0; iso9660 && i < MaxVolumeDescriptors; i++)
        {
            long lba = 16 + i;
            if ((lba + 1) * IsoImageFile.SectorSize > file.Length)
            {
                break;
            }

            file.ReadSector(lba, sector, $"volume descriptor {i}");
            if (sector[1] != 'C' || sector[2] != 'D' || sector[3] != '0' || sector[4] != '0' || sector[5] != '1')
            {
                if (i == 0)
                {
                    iso9660 = false;
                }

                break;
            }

            switch (sector[0])
            {
                case 0 when Encoding.ASCII.GetString(sector, 7, 23) == "EL TORITO SPECIFICATION":
                    uint catalog = BitConverter.ToUInt32(sector, 71);
                    byte[] catalogSector = new byte[IsoImageFile.SectorSize];
                    file.ReadSector(catalog, catalogSector, "El Torito boot catalog");
                    boot.AddRange(ElToritoCatalog.Parse(catalogSector));
                    break;
                case 1:
                    primary ??= (byte[])sector.Clone();
                    break;
                case 2 when sector[88] == 0x25 && sector[89] == 0x2F && sector[90] is 0x40 or 0x43 or 0x45:
                    joliet ??= (byte[])sector.Clone();
                    break;
                case 255:
                    terminated = true;
                    break;
            }

            if (terminated)
            {
                break;
            }
        }

        UdfFileSystem? udf = null;
        IsoFormatException? udfError = null;
        try
        {
            udf = UdfFileSystem.TryOpen(file);
            _ = udf?.List(udf.Root);
        }
        catch (IsoFormatException error) when (primary is not null)
        {
            udf = null;
            udfError = error; // a hybrid image: its ISO 9660 side is still served
        }

        if (iso9660 && primary is null && udf is null)
        {
            throw new IsoFormatException("volume descriptor set", "there is no primary volume descriptor");
        }

        if (primary is not null)
        {
            if (BitConverter.ToUInt16(primary, 128) != IsoImageFile.SectorSize)
            {
                throw new IsoFormatException("primary volume descriptor", $"logical block size {BitConverter.ToUInt16(primary, 128)} is not 2048");
            }

            // The volume space size: a file shorter than the volume it declares is a partial download or copy. Refused
            // here, once, instead of file by file as readers happen to reach past the end.
            long declared = (long)BitConverter.ToUInt32(primary, 80) * IsoImageFile.SectorSize;
            if (declared > file.Length)
            {
                throw new IsoFormatException(
                    "primary volume descriptor",
                    $"the image declares a {declared}-byte volume but the file has only {file.Length} bytes: it is truncated (an incomplete download or copy?); fetch or copy it again")
                { Truncated = true };
            }

            string label = Encoding.ASCII.GetString(primary, 40, 32).TrimEnd(' ', '\0');
            found.Add(Iso9660FileSystem.Open(file, IsoNameSpace.Iso9660, primary.AsSpan(156, 34), label)!);
            if (joliet is not null)
            {
                string jolietLabel = Encoding.BigEndianUnicode.GetString(joliet, 40, 32).TrimEnd(' ', '\0');
                found.Add(Iso9660FileSystem.Open(file, IsoNameSpace.Joliet, joliet.AsSpan(156, 34), jolietLabel)!);
            }

            if (Iso9660FileSystem.Open(file, IsoNameSpace.RockRidge, primary.AsSpan(156, 34), label) is { } rockRidge)
            {
                found.Add(rockRidge);
            }
        }

        if (udf is not null)
        {
            found.Add(udf);
        }

        if (found.Count == 0)
        {
            throw new IsoFormatException("volume descriptor set", "the file holds neither an ISO 9660 nor a UDF volume (is it an ISO image?)");
        }

        return new IsoImage(file, found, Richest(found), boot, udfError);
    }

    private static IIsoFileSystem Richest(IReadOnlyList<IIsoFileSystem> found)
    {
        foreach (string name in new[] { "RockRidge", "UDF", "Joliet", "ISO9660" })
        {
            foreach (var fs in found)
            {
                if (fs.Name.StartsWith(name, StringComparison.Ordinal) && (name != "UDF" || fs.List(fs.Root).Count > 0 || found.Count == 1))
                {
                    return fs;
                }
            }
        }

        return found[0];
    }

    /// <summary>
    /// Finds <paramref name="path"/> ('/'-separated, relative to the image root): each segment matched exactly first,
    /// then ignoring case; symbolic links followed inside the image. Null when nothing is there.
    /// </summary>
    /// <exception cref="IsoFormatException">A symbolic link loop or a corrupt directory on the way.</exception>
    public IsoEntry? Find(string path) => Resolve(path, followFinalLink: true);

    /// <summary>Like <see cref="Find"/>, but a symbolic link at the end is returned as the link itself.</summary>
    public IsoEntry? FindLink(string path) => Resolve(path, followFinalLink: false);

    /// <summary>The entries of the directory at <paramref name="path"/> ("" for the root); null when it is not a directory.</summary>
    public IReadOnlyList<IsoEntry>? List(string path)
    {
        var entry = Find(path);
        return entry is { IsDirectory: true } ? FileSystem.List(entry) : null;
    }

    /// <summary>Opens a file entry for positional reads.</summary>
    public IsoBootFile OpenFile(IsoEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != IsoEntryKind.File)
        {
            throw new ArgumentException($"'{entry.Name}' is not a file.", nameof(entry));
        }

        if (Interlocked.Increment(ref _references) <= 1)
        {
            Interlocked.Decrement(ref _references);
            throw new ObjectDisposedException(nameof(IsoImage), "The image has been dismounted.");
        }

        return new IsoBootFile(_file, entry, Release);
    }

    private IsoEntry? Resolve(string path, bool followFinalLink)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pending = new Stack<string>(Split(path).Reverse());
        var trail = new List<IsoEntry> { FileSystem.Root };
        int hops = 0;
        while (pending.Count > 0)
        {
            string segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (trail.Count > 1)
                {
                    trail.RemoveAt(trail.Count - 1);
                }

                continue;
            }

            var current = trail[^1];
            if (!current.IsDirectory)
            {
                return null;
            }

            var entries = FileSystem.List(current);
            var next = entries.FirstOrDefault(e => string.Equals(e.Name, segment, StringComparison.Ordinal))
                ?? entries.FirstOrDefault(e => string.Equals(e.Name, segment, StringComparison.OrdinalIgnoreCase));
            if (next is null)
            {
                return null;
            }

            if (next.Kind == IsoEntryKind.Symlink && (pending.Count > 0 || followFinalLink))
            {
                if (++hops > MaxSymlinkHops)
                {
                    throw new IsoFormatException($"symbolic link {next.Name}", $"more than {MaxSymlinkHops} links followed (a loop?)");
                }

                string target = next.SymlinkTarget ?? string.Empty;
                if (target.StartsWith('/'))
                {
                    trail.RemoveRange(1, trail.Count - 1);
                }

                foreach (var part in Split(target).Reverse())
                {
                    pending.Push(part);
                }

                continue;
            }

            trail.Add(next);
        }

        return trail[^1];
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Closes the image once every file opened from it is closed too: a dismount lets transfers in flight finish, and
    /// no new file can be opened.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }
    }

    private int _disposed;

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _file.Dispose();
        }
    }
}
