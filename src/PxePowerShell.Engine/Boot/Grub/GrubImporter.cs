using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>Reads a grub.cfg where it lives (a TFTP tree, a directory) with its includes, and translates it into boot entries.</summary>
public static class GrubImporter
{
    /// <summary>
    /// Translates the configuration file <paramref name="path"/> of a tree whose root is <paramref name="root"/>: GRUB reads
    /// "/debian-installer/amd64/linux" from the root of the TFTP server. Without a root, the nearest directory above the
    /// file in which the entries' kernels exist is taken (the file's own directory when none is found).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static GrubConversion FromDirectory(string path, string? root = null)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The configuration '{full}' does not exist.", full);
        }

        string text;
        using (var stream = File.OpenRead(full))
        {
            text = SyslinuxImporter.ReadBounded(stream);
        }

        if (root is not null)
        {
            return Parse(full, text, Path.GetFullPath(root));
        }

        string directory = Path.GetDirectoryName(full)!;
        for (string? candidate = directory; candidate is not null; candidate = Path.GetDirectoryName(candidate))
        {
            var conversion = Parse(full, text, candidate);
            var kernels = conversion.Entries.Select(e => e.Kernel ?? e.ChainTarget ?? e.ConfigPath).OfType<string>().ToList();
            if (kernels.Count > 0 && kernels.All(k => File.Exists(Path.Combine(candidate, k))))
            {
                return conversion;
            }
        }

        return Parse(full, text, directory);
    }

    private static GrubConversion Parse(string full, string text, string tree)
    {
        string? Read(string include)
        {
            string file = Path.Combine(tree, include);
            if (!File.Exists(file))
            {
                return null;
            }

            using var stream = File.OpenRead(file);
            return SyslinuxImporter.ReadBounded(stream);
        }

        string main = Path.GetRelativePath(tree, full).Replace('\\', '/');
        return GrubConfigParser.Parse(main.StartsWith("..", StringComparison.Ordinal) ? full : main, text, Read, rootDirectory: tree);
    }
}
