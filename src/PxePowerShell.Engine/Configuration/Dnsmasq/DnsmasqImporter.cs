namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>Reads a dnsmasq configuration (with includes) and converts it: what ConvertFrom-PxeDnsmasqConfig does.</summary>
public static class DnsmasqImporter
{
    /// <summary>Converts the configuration at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static DnsmasqConversion Import(string path, string name = "pxe")
    {
        var (options, readWarnings, files) = DnsmasqConfigReader.Read(path);
        var (configuration, warnings) = DnsmasqConverter.Convert(options, name);
        var all = readWarnings.Concat(warnings).ToList();
        if (configuration.Root is { } root && File.Exists(Path.Combine(root, "pxelinux.cfg", "default")))
        {
            all.Add(new DnsmasqWarning(
                files[0],
                0,
                string.Empty,
                $"{root}/pxelinux.cfg/default is served as it is (a root's own menu wins over the generated ones); recreate its entries with New-PxeBootEntry to manage them here"));
        }

        return new DnsmasqConversion(Path.GetFullPath(path), configuration, all, files);
    }
}
