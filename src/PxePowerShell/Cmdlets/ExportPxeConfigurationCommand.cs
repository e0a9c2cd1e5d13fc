using System.Management.Automation;
using System.Text;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Hosting;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Writes a Start-PxeServer configuration file (.psd1, or JSON for any other extension): from a running server, a
/// configuration object, or anything with a Configuration property (ConvertFrom-PxeDnsmasqConfig's result).
/// </summary>
[Cmdlet(VerbsData.Export, "PxeConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByName)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPxeConfigurationCommand : PxeCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>The file to write: .psd1 writes a PowerShell data file, anything else JSON.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The running Start-PxeServer server to export (default: the only one running).</summary>
    [Parameter(Position = 1, ParameterSetName = ByName)]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>A server from Start-PxeServer/Get-PxeServer, a configuration, or an object with a Configuration property.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
    public object? InputObject { get; set; }

    /// <summary>Refuse to replace an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write a FileInfo for the file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var configuration = ParameterSetName == ByObject ? FromObject(InputObject) : FromRunningServer(Name);
        if (configuration is null)
        {
            return;
        }

        if (ParameterSetName == ByName || (InputObject is PSObject { BaseObject: PxeServer } or PxeServer))
        {
            // The images a running server serves (unscoped ones and those mounted with -Server naming it) belong in its
            // configuration, with their scope.
            configuration = configuration with
            {
                Mounts = ModuleState.IsoMounts.MountsServedBy(configuration.Name)
                    .Select(m => new IsoMountConfiguration(m.Path, m.MountPoint) { Servers = m.Servers })
                    .ToList(),
            };
        }

        string path = ResolvePath(Path);
        if (NoClobber && File.Exists(path))
        {
            ThrowTerminatingError(Error(ErrorIds.FileExists, ErrorCategory.ResourceExists, path, $"'{path}' exists already; remove -NoClobber to replace it, or choose another -Path."));
        }

        string format = PxeConfigurationFile.IsPowerShellDataFile(path) ? "PowerShell data file" : "JSON";
        if (!ShouldProcess(path, $"Export the configuration of '{configuration.Name}' as a {format}"))
        {
            return;
        }

        try
        {
            File.WriteAllText(path, PxeConfigurationFile.Format(configuration, path), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Error(ErrorIds.ExportFailed, ErrorCategory.WriteError, path, $"The configuration cannot be written to '{path}': {ex.Message}", ex));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }

    private PxeServerConfiguration? FromObject(object? input)
    {
        object? value = input is PSObject p ? p.BaseObject : input;
        switch (value)
        {
            case PxeServerConfiguration configuration:
                return configuration;
            case PxeServer server:
                return server.Configuration;
        }

        if (input is not null && PSObject.AsPSObject(input).Properties["Configuration"]?.Value is { } inner
            && (inner is PSObject wrapped ? wrapped.BaseObject : inner) is PxeServerConfiguration nested)
        {
            return nested;
        }

        WriteError(Error(
            ErrorIds.InvalidParameter,
            ErrorCategory.InvalidArgument,
            input,
            $"Export-PxeConfiguration takes a server from Start-PxeServer or a configuration (ConvertFrom-PxeDnsmasqConfig); got {value?.GetType().Name ?? "nothing"}."));
        return null;
    }

    private PxeServerConfiguration? FromRunningServer(string? name)
    {
        var servers = ModuleState.Servers.Servers.OfType<PxeServer>().ToList();
        if (name is not null)
        {
            var named = servers.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                ThrowTerminatingError(Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, name, $"No server started by Start-PxeServer is named '{name}'; Get-PxeServer lists the running servers."));
            }

            return named!.Configuration;
        }

        if (servers.Count != 1)
        {
            ThrowTerminatingError(Error(
                ErrorIds.ServerNotFound,
                ErrorCategory.ObjectNotFound,
                null,
                servers.Count == 0
                    ? "No server started by Start-PxeServer is running; start one, or pipe a configuration in."
                    : $"{servers.Count} servers started by Start-PxeServer are running ({string.Join(", ", servers.Select(s => s.Name))}); name one with -Name."));
        }

        return servers[0].Configuration;
    }
}
