using System.Management.Automation;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists the PxePowerShell servers running in this session.</summary>
[Cmdlet(VerbsCommon.Get, "PxeServer")]
[OutputType(typeof(IPxeService))]
public sealed class GetPxeServerCommand : PxeCmdlet
{
    /// <summary>Names of the servers to get; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only servers of these roles (Tftp, Http, ProxyDhcp, Dhcp, Pxe).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RoleCompleter))]
    public string[]? Role { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var servers = ModuleState.Servers.Servers;
        if (Name is null)
        {
            Write(servers);
            return;
        }

        Write(MatchByName(servers, Name, s => s.Name, ServerNotFound));
    }

    private void Write(IEnumerable<IPxeService> servers)
    {
        foreach (var server in servers)
        {
            if (Role is null || Role.Any(r => string.Equals(r, server.Role, StringComparison.OrdinalIgnoreCase)))
            {
                WriteObject(server);
            }
        }
    }
}
