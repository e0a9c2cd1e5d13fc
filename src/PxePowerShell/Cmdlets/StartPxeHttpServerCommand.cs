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

    /// <summary>The most connections at once; past it the idlest connection is closed for a new one (503 when all are busy).</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; } = 1000;

    /// <summary>The most connections one client address may hold (nginx's limit_conn); past it that address gets 503. 0 = no limit.</summary>
    [Parameter]
    [ValidateRange(0, 100_000)]
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>How long an idle keep-alive connection stays open while more than half of MaxConnections are open.</summary>
    [Parameter]
    public TimeSpan KeepAliveTimeoutUnderLoad { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Let paths match names that differ only in case (off: URLs are case-sensitive, as in nginx).</summary>
    [Parameter]
    public SwitchParameter IgnoreCase { get; set; }

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
            MaxConnectionsPerAddress = MaxConnectionsPerAddress,
            KeepAliveTimeoutUnderLoad = KeepAliveTimeoutUnderLoad,
            IgnoreCase = IgnoreCase.IsPresent,
        };
        string name = ServerName("Http");
        if (!ShouldProcess($"HTTP server '{name}' on {Address}:{Port} serving {root}", "Start"))
        {
            return;
        }

        StartServer(new HttpBootServer(name, options, CreateNamespace(root, name), ModuleState.Events), "HTTP server", Port);
    }
}
