using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>Helpers the detectors share: file lookups in the image and entries with paths under the mount point.</summary>
internal static class DetectedImage
{
    /// <summary>True when <paramref name="path"/> is a file in the image.</summary>
    public static bool HasFile(IsoImage image, string path) => image.Find(path) is { Kind: IsoEntryKind.File };

    /// <summary>The first of <paramref name="paths"/> that is a file in the image, as the image names it, or null.</summary>
    public static string? FirstFile(IsoImage image, params string[] paths) => paths.FirstOrDefault(p => HasFile(image, p));

    /// <summary>A namespace path: the mount point, then the path inside the image.</summary>
    public static string Under(string mountPoint, string path) => $"{mountPoint}/{path}";

    /// <summary>A Linux boot entry named after the mount point.</summary>
    public static BootEntry Linux(string mountPoint, string label, string kernel, IEnumerable<string> initrds, string arguments) => new()
    {
        Name = EntryName(mountPoint),
        Label = label,
        Kind = BootEntryKind.Linux,
        Kernel = Under(mountPoint, kernel),
        Initrd = initrds.Select(i => Under(mountPoint, i)).ToList(),
        Arguments = arguments,
    };

    /// <summary>An entry name from the mount point (letters, digits, '.', '_', '-').</summary>
    public static string EntryName(string mountPoint)
    {
        var chars = mountPoint.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        string name = new string(chars).Trim('-', '.', '_');
        return name.Length == 0 ? "iso" : name;
    }
}
