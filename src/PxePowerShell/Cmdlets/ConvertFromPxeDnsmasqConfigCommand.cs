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
        if (WriteErrorIfDirectory(path, "dnsmasq configuration"))
        {
            return;
        }

        DnsmasqConversion conversion;
        try
        {
            conversion = DnsmasqImporter.Import(path, Name);
        }
        catch (FileNotFoundException ex)
        {
            WriteError(Error(ErrorIds.ConfigurationNotFound, ErrorCategory.ObjectNotFound, path, ex.Message, ex));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(Error(ErrorIds.ConfigurationNotFound, ErrorCategory.ReadError, path, $"'{path}' cannot be read: {ex.Message}", ex));
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
