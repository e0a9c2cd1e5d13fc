using System.Management.Automation;
using System.Net.Sockets;
using PxePowerShell.Engine.Diagnostics;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists every DHCP and proxyDHCP server that answers on a segment, and what each offers PXE clients.</summary>
[Cmdlet(VerbsCommon.Find, "PxeDhcpServer")]
[OutputType(typeof(DhcpServerAnswer))]
public sealed class FindPxeDhcpServerCommand : PxeCmdlet
{
    /// <summary>The interface to probe from (it needs no address).</summary>
    [Parameter(Position = 0)]
    [Alias("InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? Interface { get; set; }

    /// <summary>How long to collect answers.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The DHCP server port (67).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ServerPort { get; set; } = 67;

    /// <summary>The client port answers come to (68).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ClientPort { get; set; } = 68;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RequireInterface(nameof(Interface), Interface);
        RequireTimeSpan(nameof(Timeout), Timeout, TimeSpan.Zero, TimeSpan.FromHours(1), example: "00:00:05");
        WriteProgress(new ProgressRecord(1, "Find-PxeDhcpServer", $"Listening for {Timeout.TotalSeconds:0.#} s for answers to a PXE and a plain DISCOVER"));
        IReadOnlyList<DhcpServerAnswer> answers;
        try
        {
            answers = DhcpServerProbe.ProbeAsync(Interface, Timeout, ServerPort, ClientPort).GetAwaiter().GetResult();
        }
        catch (SocketException ex)
        {
            ThrowTerminatingError(ex.SocketErrorCode == SocketError.AccessDenied && ClientPort < 1024
                ? PrivilegedPortError(ClientPort, Interface ?? "default", ex)
                : SocketBindError(ex, "DHCP probe", ClientPort, Interface ?? "default"));
            return;
        }

        if (answers.Count == 0)
        {
            WriteWarning($"No DHCP or proxyDHCP server answered within {Timeout.TotalSeconds:0.#} s{(Interface is null ? string.Empty : $" on {Interface}")}.");
        }
        else if (answers.Count(a => a.AnswersPxe) > 1)
        {
            WriteWarning($"{answers.Count(a => a.AnswersPxe)} servers answer PXE clients ({string.Join(", ", answers.Where(a => a.AnswersPxe).Select(a => a.ServerAddress))}): clients take whichever answers first.");
        }

        WriteObject(answers, enumerateCollection: true);
    }
}
