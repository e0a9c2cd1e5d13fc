using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>An ISO image's own isolinux/syslinux menu, read from the image and translated into boot entries.</summary>
internal static class SyslinuxImageMenu
{
    /// <summary>The configurations an image's own boot menu may be in, in the order they are looked for.</summary>
    public static IReadOnlyList<string> ImageConfigurations { get; } =
    [
        "isolinux/isolinux.cfg", "boot/isolinux/isolinux.cfg", "syslinux/syslinux.cfg", "boot/syslinux/syslinux.cfg", "isolinux.cfg", "syslinux.cfg",
    ];

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
        int length = (int)Math.Min(file.Length, SyslinuxImporter.MaxFileBytes);
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

        return SyslinuxImporter.Decode(buffer.AsSpan(0, done));
    }
}
