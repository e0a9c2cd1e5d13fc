using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a TFTP server over a boot root in the background of the session.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeTftpServer", SupportsShouldProcess = true)]
[OutputType(typeof(TftpServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeTftpServerCommand : StartFileServerCmdlet
{
    /// <summary>The UDP port (default 69).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 69;

    /// <summary>The most transfers at once; past it clients get a "server busy" error.</summary>
    [Parameter]
    [Alias("TftpMax")]
    [ValidateRange(1, 100_000)]
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Accept uploads (WRQ) into the root.</summary>
    [Parameter]
    public SwitchParameter AllowWrite { get; set; }

    /// <summary>With -AllowWrite: let uploads replace existing files.</summary>
    [Parameter]
    public SwitchParameter AllowOverwrite { get; set; }

    /// <summary>Retransmit timeout when the client does not negotiate one (more than 0, at most 00:04:15).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retransmissions before a silent client's transfer is abandoned.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxRetries { get; set; } = 5;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RequireTimeSpan(nameof(Timeout), Timeout, TimeSpan.Zero, TimeSpan.FromSeconds(255), example: "00:00:01");
        string root = ResolveRoot("TFTP");

        if (AllowOverwrite && !AllowWrite)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, "AllowOverwrite", "-AllowOverwrite needs -AllowWrite: uploads are refused without it."));
        }

        var options = new TftpServerOptions
        {
            Address = Address,
            Port = Port,
            MaxSessions = MaxSessions,
            AllowWrite = AllowWrite,
            AllowOverwrite = AllowOverwrite,
            Timeout = Timeout,
            MaxRetries = MaxRetries,
        };
        string name = ServerName("Tftp");
        if (!ShouldProcess($"TFTP server '{name}' on {Address}:{Port} serving {root}", "Start"))
        {
            return;
        }

        var server = new TftpServer(name, options, CreateNamespace(root, name), ModuleState.Events);
        StartServer(server, "TFTP server", Port);
    }
}
