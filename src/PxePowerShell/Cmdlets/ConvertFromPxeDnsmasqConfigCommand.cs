using System.Management.Automation;
using PxePowerShell.Engine.Configuration.Dnsmasq;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Reads an existing dnsmasq PXE setup (with its conf-file/conf-dir includes) and returns the equivalent Start-PxeServer
/// configuration; every line it cannot translate is a warning naming the file and line.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PxeDnsmasqConfig")]
[OutputType(typeof(DnsmasqConversion))]
public sealed class ConvertFromPxeDnsmasqConfigCommand : PxeCmdlet
{
    /// <summary>The dnsmasq configuration file.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "/etc/dnsmasq.conf";

    /// <summary>The server name the configuration gets.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "pxe";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ResolvePath(Path);
        if (!TryReadConfiguration(path, "dnsmasq configuration", file => DnsmasqImporter.Import(file, Name), out DnsmasqConversion? conversion))
        {
            return;
        }

        WriteVerbose($"Read {string.Join(", ", conversion.Files)}.");
        foreach (var warning in conversion.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        WriteObject(conversion);
    }
}
