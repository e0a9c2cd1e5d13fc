using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>Helpers the detectors share: file lookups in the image and entries with paths under the mount point.</summary>
internal static class DetectedImage
{
    /// <summary>True when <paramref name="path"/> is a file in the image (under its own or its 8.3 name).</summary>
    public static bool HasFile(IsoImage image, string path) => NameInImage(image, path) is not null;

    /// <summary>The first of <paramref name="paths"/> that is a file in the image, as the image names it, or null.</summary>
    public static string? FirstFile(IsoImage image, params string[] paths) =>
        paths.Select(p => NameInImage(image, p)).FirstOrDefault(p => p is not null);

    /// <summary>
    /// The path of the file <paramref name="path"/> as the image names it: the path itself when the image has it (any
    /// case), else the ISO 9660 level 1 names a plain image without Rock Ridge or Joliet gives it
    /// ("live/filesystem.squashfs" is "live/filesyst.squ", "debian-installer" is "debian_i"); null when neither is there.
    /// </summary>
    public static string? NameInImage(IsoImage image, string path)
    {
        if (image.Find(path) is { Kind: IsoEntryKind.File })
        {
            return path;
        }

        string found = string.Empty;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            string shortName = ShortName(segments[i], directory: !last);
            var match = image.List(found)?.FirstOrDefault(e => string.Equals(e.Name, segments[i], StringComparison.OrdinalIgnoreCase))
                ?? image.List(found)?.FirstOrDefault(e => string.Equals(e.Name, shortName, StringComparison.OrdinalIgnoreCase));
            if (match is null || (last ? match.Kind != IsoEntryKind.File : !match.IsDirectory))
            {
                return null;
            }

            found = found.Length == 0 ? match.Name : found + "/" + match.Name;
        }

        return found.Length == 0 ? null : found;
    }

    /// <summary>The ISO 9660 level 1 form of a name (8.3 for files, 8 for directories; other characters as '_'), lower case as the reader gives it.</summary>
    private static string ShortName(string name, bool directory)
    {
        static string Clean(string part, int max)
        {
            var chars = part.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').Take(max).ToArray();
            return new string(chars);
        }

        int dot = name.LastIndexOf('.');
        if (directory || dot <= 0)
        {
            return Clean(directory ? name : name.Replace('.', '_'), 8);
        }

        string extension = Clean(name[(dot + 1)..], 3);
        string stem = Clean(name[..dot], 8);
        return extension.Length == 0 ? stem : stem + "." + extension;
    }

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
