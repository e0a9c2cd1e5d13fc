using System.Management.Automation;
using PxePowerShell.Engine.Hosting;

namespace PxePowerShell.Cmdlets;

/// <summary>Stops PxePowerShell servers and removes them from the session.</summary>
[Cmdlet(VerbsLifecycle.Stop, "PxeServer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(IPxeService))]
public sealed class StopPxeServerCommand : PxeCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>Names of the servers to stop; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>The servers to stop, as Get-PxeServer or Start-Pxe* return them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public IPxeService[] InputObject { get; set; } = [];

    /// <summary>Write the stopped servers to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByObject)
        {
            foreach (var server in InputObject)
            {
                Stop(server);
            }

            return;
        }

        var servers = ModuleState.Servers.Servers;
        foreach (var server in MatchByName(servers, Name, s => s.Name, ServerNotFound))
        {
            Stop(server);
        }
    }

    private void Stop(IPxeService server)
    {
        if (!ShouldProcess($"{server.Role} server '{server.Name}' on {string.Join(", ", server.EndPoints)}", "Stop"))
        {
            return;
        }

        server.StopAsync().GetAwaiter().GetResult();
        ModuleState.Servers.Remove(server);
        WriteVerbose($"Stopped {server.Role} server '{server.Name}'.");
        if (PassThru)
        {
            WriteObject(server);
        }
    }
}
