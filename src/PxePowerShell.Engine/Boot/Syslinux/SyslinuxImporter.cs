using System.Text;

namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>
/// Reads a syslinux configuration where it lives — a TFTP root's pxelinux.cfg/default (an ISO image's isolinux.cfg:
/// Iso.Detection.SyslinuxImageMenu) — with its INCLUDEs, and translates it into boot entries whose paths lie in the boot namespace.
/// </summary>
public static class SyslinuxImporter
{
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
    internal static string Decode(ReadOnlySpan<byte> bytes)
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
