using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Gets clients' boot timelines from the inventory: each DHCP message, which server the client took its offer from,
/// each TFTP/HTTP transfer with speed, block size, window and retransmits, and where the boot stopped.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PxeBootTrace", DefaultParameterSetName = ByMac)]
[OutputType(typeof(BootTrace))]
public sealed class GetPxeBootTraceCommand : ClientCmdlet
{
    private const string ByMac = "MacAddress";
    private const string ByAddress = "IPAddress";
    private const string ByObject = "InputObject";
    private ClientRegistry? _registry;

    /// <summary>The clients whose boots to show: MAC addresses in any common notation; wildcards allowed. Every client when omitted.</summary>
    [Parameter(Position = 0, ParameterSetName = ByMac, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ArgumentCompleter(typeof(ClientMacAddressCompleter))]
    [SupportsWildcards]
    public string[]? MacAddress { get; set; }

    /// <summary>The client with this IP address (also one known only by its address, such as a TFTP-only client).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByAddress)]
    public IPAddress? IPAddress { get; set; }

    /// <summary>The clients, as Get-PxeClient returns them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public ClientRecord[] InputObject { get; set; } = [];

    /// <summary>How many of each client's most recent boots to show (default 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; } = 1;

    /// <summary>Every boot the inventory remembers (up to its per-client step limit), oldest first.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>Only steps at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _registry = OpenInventory();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByObject:
                foreach (var client in InputObject)
                {
                    WriteTraces(client);
                }

                return;
            case ByAddress:
                var byAddress = Inventory(() => _registry!.Get(new ClientQuery { IPAddress = IPAddress }));
                if (byAddress.Count == 0)
                {
                    WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, IPAddress, $"No client with IP address {IPAddress} is in the inventory; Get-PxeClient lists the known clients."));
                }

                foreach (var client in byAddress)
                {
                    WriteTraces(client);
                }

                return;
        }

        if (MacAddress is null)
        {
            foreach (var client in Inventory(() => _registry!.Get()))
            {
                WriteTraces(client);
            }

            return;
        }

        foreach (var text in MacAddress)
        {
            if (WildcardPattern.ContainsWildcardCharacters(text))
            {
                var pattern = MacPattern(text);
                foreach (var client in Inventory(() => _registry!.Get()).Where(c => MatchesMac(pattern, c)))
                {
                    WriteTraces(client);
                }

                continue;
            }

            if (ParseMac(text) is not { } mac)
            {
                continue;
            }

            if (Inventory(() => _registry!.Find(mac)) is { } found)
            {
                WriteTraces(found);
            }
            else
            {
                WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, text, $"No client with MAC address {mac} is in the inventory; Get-PxeClient lists the known clients."));
            }
        }
    }

    private void WriteTraces(ClientRecord client)
    {
        var since = Since is { } time ? new DateTimeOffset(time) : (DateTimeOffset?)null;
        var boots = Inventory(() => _registry!.GetBootTraces(client, since));
        foreach (var boot in All ? boots : boots.Skip(Math.Max(0, boots.Count - Last)))
        {
            WriteObject(boot);
        }
    }
}
