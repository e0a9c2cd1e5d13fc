using System.Text;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Writes generated menus to disk (Export-PxeBootMenu), for people who serve files with dnsmasq or another TFTP server:
/// the same files, names and layout (<see cref="BootMenuLayout"/>) that <see cref="Boot.GeneratedMenuSource"/> serves.
/// Files are written atomically; per-client files of clients no longer targeted are left alone.
/// </summary>
public static class BootMenuExporter
{
    /// <summary>
    /// Writes <paramref name="format"/> below <paramref name="rootDirectory"/> (the TFTP root): Pxelinux → pxelinux.cfg/default
    /// plus 01-&lt;mac&gt; and &lt;uuid&gt; files for targeted clients; Syslinux → efi64/pxelinux.cfg/… (or efi32 for EfiIA32);
    /// Ipxe → boot.ipxe; Grub → grub/grub.cfg. Returns the full paths written.
    /// </summary>
    public static IReadOnlyList<string> Export(BootConfiguration configuration, BootMenuFormat format, string rootDirectory, BootRenderOptions? options = null, BootArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        options ??= new BootRenderOptions();
        var written = new List<string>();
        foreach (var (relative, content) in Files(configuration, format, options, architecture))
        {
            string path = Path.Combine(rootDirectory, relative.Replace('/', Path.DirectorySeparatorChar));
            WriteAtomically(path, content);
            written.Add(Path.GetFullPath(path));
        }

        return written;
    }

    /// <summary>The files an export writes: paths relative to the root ('/'-separated) and their text.</summary>
    public static IReadOnlyList<(string RelativePath, string Content)> Files(BootConfiguration configuration, BootMenuFormat format, BootRenderOptions? options = null, BootArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new BootRenderOptions();
        var files = new List<(string, string)>();
        switch (format)
        {
            case BootMenuFormat.Pxelinux:
            case BootMenuFormat.Syslinux:
                {
                    var platform = format == BootMenuFormat.Pxelinux ? BootArchitecture.Bios : architecture ?? BootArchitecture.EfiX64;
                    var effective = format == BootMenuFormat.Syslinux ? options with { RootedPaths = true } : options;
                    string directory = format == BootMenuFormat.Pxelinux ? BootMenuLayout.Pxelinux : BootMenuLayout.SyslinuxDirectory(platform);
                    files.Add((directory + "/default", PxelinuxMenuRenderer.Render(BootMenu.Select(configuration, format, platform), effective)));
                    foreach (var (_, client) in BootMenuSection.Clients(configuration, includeUuids: true))
                    {
                        if (client is null)
                        {
                            continue;
                        }

                        string name = client.MacAddress is { } mac ? "01-" + mac : client.Uuid!;
                        files.Add((directory + "/" + name, PxelinuxMenuRenderer.Render(BootMenu.Select(configuration, format, platform, client), effective)));
                    }

                    break;
                }

            case BootMenuFormat.Ipxe:
                files.Add((BootMenuLayout.IpxeScript, IpxeScriptRenderer.RenderScript(configuration, options)));
                break;

            case BootMenuFormat.Grub:
                files.Add((BootMenuLayout.GrubConfig, GrubMenuRenderer.RenderScript(configuration, options)));
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }

        return files;
    }

    private static void WriteAtomically(string path, string content)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
