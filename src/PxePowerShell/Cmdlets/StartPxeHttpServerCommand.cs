using System.Management.Automation;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts an HTTP boot server over a boot root in the background of the session.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeHttpServer", SupportsShouldProcess = true)]
[OutputType(typeof(HttpBootServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeHttpServerCommand : StartFileServerCmdlet
{
    /// <summary>The TCP port (default 80).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 80;

    /// <summary>The most connections at once; past it new connections get 503.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; } = 1000;

    /// <summary>How long a client may take to send a request's headers.</summary>
    [Parameter]
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    [Parameter]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RequireTimeSpan(nameof(HeaderTimeout), HeaderTimeout, TimeSpan.Zero, TimeSpan.FromDays(1), example: "00:00:10");
        RequireTimeSpan(nameof(KeepAliveTimeout), KeepAliveTimeout, TimeSpan.Zero, TimeSpan.FromDays(1), example: "00:00:30");
        string root = ResolveRoot("HTTP");
        var options = new HttpBootServerOptions
        {
            Address = Address,
            Port = Port,
            MaxConnections = MaxConnections,
            HeaderTimeout = HeaderTimeout,
            KeepAliveTimeout = KeepAliveTimeout,
        };
        string name = ServerName("Http");
        if (!ShouldProcess($"HTTP server '{name}' on {Address}:{Port} serving {root}", "Start"))
        {
            return;
        }

        StartServer(new HttpBootServer(name, options, CreateNamespace(root, name), ModuleState.Events), "HTTP server", Port);
    }
}
