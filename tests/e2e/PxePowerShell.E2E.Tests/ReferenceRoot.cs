namespace PxePowerShell.E2E.Tests;

/// <summary>
/// A temporary root for a reference server (dnsmasq's TFTP, nginx): links to files of the boot root or of Debian packages,
/// and files written for it (the menus PxePowerShell generates, so both servers boot the same thing). Everything is
/// world-readable, because dnsmasq serves TFTP as nobody. Deleted on dispose.
/// </summary>
public sealed class ReferenceRoot : IDisposable
{
    private const UnixFileMode ReadableDirectory = (UnixFileMode)0b111_101_101; // 755, whatever the umask
    private const UnixFileMode ReadableFile = (UnixFileMode)0b110_100_100; // 644
    private readonly BootRoot _boot;

    /// <summary>Creates the directory with links to <paramref name="bootFiles"/> of the boot root (same relative paths).</summary>
    public ReferenceRoot(BootRoot boot, params string[] bootFiles)
    {
        _boot = boot;
        Directory = System.IO.Directory.CreateTempSubdirectory("pxe-e2e-reference-").FullName;
        File.SetUnixFileMode(Directory, ReadableDirectory);
        foreach (var file in bootFiles)
        {
            Link(file, Path.Combine(_boot.Directory, file));
        }
    }

    /// <summary>The directory.</summary>
    public string Directory { get; }

    /// <summary>Links <paramref name="path"/> (relative) to <paramref name="target"/>.</summary>
    public void Link(string path, string target) => File.CreateSymbolicLink(Prepare(path), target);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (relative).</summary>
    public void Write(string path, string content)
    {
        string full = Prepare(path);
        File.WriteAllText(full, content);
        File.SetUnixFileMode(full, ReadableFile);
    }

    /// <inheritdoc />
    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string Prepare(string path)
    {
        string full = Path.Combine(Directory, path);
        var missing = new Stack<string>();
        for (var dir = Path.GetDirectoryName(full)!; !System.IO.Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            missing.Push(dir);
        }

        foreach (var dir in missing)
        {
            System.IO.Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, ReadableDirectory);
        }

        return full;
    }
}
