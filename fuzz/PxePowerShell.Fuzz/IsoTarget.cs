using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Iso.Detection;

namespace PxePowerShell.Fuzz;

/// <summary>
/// ISO: the input is an image without its 32 KB system area (sectors 0–15, which the reader never looks at): the
/// harness writes 32 KB of zeros and the input to a file in /dev/shm and opens it with <see cref="IsoImage.Open"/>.
/// Every name space found is walked (each directory extent once, so loops end) and every file read to its end through
/// <see cref="IsoBootFile"/>; symbolic links are resolved with <see cref="IsoImage.Find"/>; the distribution detectors
/// run. Only <see cref="IsoFormatException"/> may escape the reader.
/// </summary>
internal static class IsoTarget
{
    private const int SystemArea = 16 * IsoImageFile.SectorSize;

    private const int MaxEntries = 20_000;

    private const long MaxBytesRead = 64L * 1024 * 1024;

    private const int MaxLinks = 64;

    private static readonly string ImagePath = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"pxepowershell-fuzz-{Environment.ProcessId}.iso");

    private static readonly byte[] Zeros = new byte[SystemArea];

    private static readonly byte[] Buffer = new byte[65536];

    public static void Run(ReadOnlySpan<byte> data)
    {
        using (var stream = new FileStream(ImagePath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Write(Zeros);
            stream.Write(data);
        }

        try
        {
            using var image = IsoImage.Open(ImagePath);
            _ = image.VolumeLabel;
            _ = image.FileSystems;
            _ = image.BootImages.Count;
            long budget = MaxBytesRead;
            foreach (var fileSystem in image.AllFileSystems)
            {
                Walk(image, fileSystem, ref budget);
            }

            foreach (string path in (string[])["", "boot", "isolinux/isolinux.cfg", "latest", "a/b/../c", "loop1", "/absolute"])
            {
                try
                {
                    _ = image.Find(path);
                    _ = image.FindLink(path);
                }
                catch (IsoFormatException e)
                {
                    Program.Log?.Invoke($"'{path}' refused: {e.Message}");
                }
            }

            var detected = DistributionDetector.Detect(image, "fuzz");
            Program.Log?.Invoke($"{string.Join('+', image.FileSystems)} '{image.VolumeLabel}', {image.BootImages.Count} boot images, {MaxBytesRead - budget} bytes read, detected {detected.Distribution ?? "nothing"}");
        }
        catch (IsoFormatException e)
        {
            // The documented refusal of a corrupt image.
            Program.Log?.Invoke("refused: " + e.Message);
        }
    }

    private static void Walk(IsoImage image, IIsoFileSystem fileSystem, ref long budget)
    {
        var seen = new HashSet<long>();
        var pending = new Stack<(IsoEntry Directory, string Path)>();
        pending.Push((fileSystem.Root, ""));
        bool primary = ReferenceEquals(fileSystem, image.FileSystem);
        int count = 0;
        int links = 0;
        while (pending.Count > 0 && count < MaxEntries)
        {
            var (directory, directoryPath) = pending.Pop();
            if (directory.Extents.Count > 0 && !seen.Add(directory.Extents[0].Offset))
            {
                continue;
            }

            foreach (var entry in fileSystem.List(directory))
            {
                count++;
                string path = directoryPath.Length == 0 ? entry.Name : directoryPath + "/" + entry.Name;
                if (entry.IsDirectory)
                {
                    pending.Push((entry, path));
                }
                else if (entry.Kind == IsoEntryKind.File)
                {
                    Read(image, entry, ref budget);
                }
                else if (primary && links++ < MaxLinks)
                {
                    // A symbolic link is followed the way the servers follow it: by path, from the root.
                    try
                    {
                        if (image.Find(path) is { Kind: IsoEntryKind.File } target)
                        {
                            Read(image, target, ref budget);
                        }
                    }
                    catch (IsoFormatException e)
                    {
                        Program.Log?.Invoke($"link '{path}' refused: {e.Message}");
                    }
                }
            }
        }
    }

    private static void Read(IsoImage image, IsoEntry entry, ref long budget)
    {
        using var file = image.OpenFile(entry);
        for (long offset = 0; offset < file.Length && budget > 0;)
        {
            int n = file.Read(offset, Buffer);
            if (n == 0)
            {
                break;
            }

            if (n < 0 || n > Buffer.Length)
            {
                throw new FuzzInvariantException($"a read of {Buffer.Length} bytes returned {n}");
            }

            offset += n;
            budget -= n;
        }
    }
}
