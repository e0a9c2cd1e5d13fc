using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>
/// Reads a dnsmasq configuration (with includes) and converts it: what ConvertFrom-PxeDnsmasqConfig does. When the
/// tftp-root holds a pxelinux.cfg/default, its LABELs become boot entries too.
/// </summary>
public static class DnsmasqImporter
{
    /// <summary>Converts the configuration at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static DnsmasqConversion Import(string path, string name = "pxe")
    {
        var (options, readWarnings, files) = DnsmasqConfigReader.Read(path);
        var (configuration, warnings) = DnsmasqConverter.Convert(options, name);
        var all = readWarnings.Concat(warnings).ToList();
        if (configuration.Root is { } tftpRoot)
        {
            all.AddRange(OutsideLinkScanner.Find(tftpRoot).Select(link => new DnsmasqWarning(tftpRoot, 0, link.Link, link.Advice)));
        }

        IReadOnlyList<BootEntry> entries = [];
        string menu = configuration.Root is { } root ? System.IO.Path.Combine(root, "pxelinux.cfg", "default") : string.Empty;
        if (File.Exists(menu))
        {
            var conversion = SyslinuxImporter.FromDirectory(menu, configuration.Root);
            entries = conversion.Entries;
            all.AddRange(conversion.Warnings.Select(w => new DnsmasqWarning(System.IO.Path.Combine(configuration.Root!, w.File), w.Line, w.Text.Trim(), w.Message)));
            all.Add(new DnsmasqWarning(
                menu,
                0,
                string.Empty,
                $"translated into {entries.Count} boot entries (BootEntries: pipe them into New-PxeBootEntry); while the file exists it is served as it is, "
                + "because a root's own menu wins over the generated ones — move it away once the entries are imported"));
        }

        return new DnsmasqConversion(System.IO.Path.GetFullPath(path), configuration, all, files, entries);
    }
}
