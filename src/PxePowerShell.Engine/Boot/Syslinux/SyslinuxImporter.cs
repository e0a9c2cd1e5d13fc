using System.Text;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>
/// Reads a syslinux configuration where it lives — a TFTP root's pxelinux.cfg/default, or an ISO image's
/// isolinux.cfg — with its INCLUDEs, and translates it into boot entries whose paths lie in the boot namespace.
/// </summary>
public static class SyslinuxImporter
{
    /// <summary>The configurations an image's own boot menu may be in, in the order they are looked for.</summary>
    public static IReadOnlyList<string> ImageConfigurations { get; } =
    [
        "isolinux/isolinux.cfg", "boot/isolinux/isolinux.cfg", "syslinux/syslinux.cfg", "boot/syslinux/syslinux.cfg", "isolinux.cfg", "syslinux.cfg",
    ];

    /// <summary>Configuration files larger than this are not read (no real menu comes close).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// Translates the configuration file <paramref name="path"/> of a TFTP tree whose root is <paramref name="root"/>
    /// (default: the parent of a pxelinux.cfg directory, else the file's own directory). Entry paths are relative to the root.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SyslinuxConversion FromDirectory(string path, string? root = null)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The configuration '{full}' does not exist.", full);
        }

        string directory = Path.GetDirectoryName(full)!;
        string tree = Path.GetFullPath(root ?? (string.Equals(Path.GetFileName(directory), "pxelinux.cfg", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(directory)! : directory));
        string? Read(string include)
        {
            string resolved = SyslinuxTranslator.ResolvePath(include, string.Empty, string.Empty, tree);
            string file = Path.Combine(tree, resolved);
            return File.Exists(file) ? ReadBounded(File.OpenRead(file)) : null;
        }

        string main = Path.GetRelativePath(tree, full).Replace('\\', '/');
        var config = SyslinuxConfigParser.Parse(main.StartsWith("..", StringComparison.Ordinal) ? full : main, ReadBounded(File.OpenRead(full)), Read);
        return SyslinuxTranslator.Translate(config, string.Empty, string.Empty, rootDirectory: tree);
    }

    /// <summary>
    /// Translates the image's own isolinux/syslinux menu, or returns null when it has none. Paths are placed under
    /// <paramref name="mountPoint"/>; entry names start with it.
    /// </summary>
    public static SyslinuxConversion? FromImage(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        string? configPath = ImageConfigurations.FirstOrDefault(p => image.Find(p) is { Kind: IsoEntryKind.File });
        if (configPath is null)
        {
            return null;
        }

        string configDirectory = configPath.Contains('/', StringComparison.Ordinal) ? configPath[..configPath.LastIndexOf('/')] : string.Empty;
        string? Read(string include)
        {
            string inImage = SyslinuxTranslator.ResolvePath(include, configDirectory, string.Empty);
            return image.Find(inImage) is { Kind: IsoEntryKind.File } entry ? ReadEntry(image, entry) : null;
        }

        var config = SyslinuxConfigParser.Parse(configPath, ReadEntry(image, image.Find(configPath)!), Read);
        string cwd = configDirectory.Length == 0 ? mountPoint : mountPoint + "/" + configDirectory;
        return SyslinuxTranslator.Translate(config, cwd, mountPoint, mountPoint);
    }

    private static string ReadEntry(IsoImage image, IsoEntry entry)
    {
        using var file = image.OpenFile(entry);
        int length = (int)Math.Min(file.Length, MaxFileBytes);
        var buffer = new byte[length];
        int done = 0;
        while (done < length)
        {
            int read = file.Read(done, buffer.AsSpan(done));
            if (read <= 0)
            {
                break;
            }

            done += read;
        }

        return Decode(buffer.AsSpan(0, done));
    }

    /// <summary>Reads at most <see cref="MaxFileBytes"/> of a configuration file and decodes it (UTF-8, else Latin-1).</summary>
    internal static string ReadBounded(Stream stream)
    {
        using (stream)
        {
            var buffer = new byte[(int)Math.Min(stream.Length, MaxFileBytes)];
            stream.ReadExactly(buffer);
            return Decode(buffer);
        }
    }

    // Configurations are ASCII or UTF-8 in practice; Latin-1 keeps any other byte instead of failing.
    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
