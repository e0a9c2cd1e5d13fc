using System.Management.Automation;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Cmdlets;

/// <summary>Removes clients (and their boot entry assignments) from the inventory.</summary>
[Cmdlet(VerbsCommon.Remove, "PxeClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByMac)]
[OutputType(typeof(ClientRecord))]
public sealed class RemovePxeClientCommand : ClientCmdlet
{
    private const string ByMac = "MacAddress";
    private const string ByObject = "InputObject";
    private ClientRegistry? _registry;

    /// <summary>The clients to remove: MAC addresses in any common notation; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByMac, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ArgumentCompleter(typeof(ClientMacAddressCompleter))]
    [SupportsWildcards]
    public string[] MacAddress { get; set; } = [];

    /// <summary>The clients to remove, as Get-PxeClient returns them (also those known only by IP address).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public ClientRecord[] InputObject { get; set; } = [];

    /// <summary>Write the removed clients to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _registry = OpenInventory();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByObject)
        {
            foreach (var client in InputObject)
            {
                Remove(client);
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
                    Remove(client);
                }

                continue;
            }

            if (ParseMac(text) is not { } mac)
            {
                continue;
            }

            var existing = Inventory(() => _registry!.Find(mac));
            if (existing is null)
            {
                WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, text, $"No client with MAC address {mac} is in the inventory; Get-PxeClient lists the known clients."));
                continue;
            }

            Remove(existing);
        }
    }

    private void Remove(ClientRecord client)
    {
        string name = client.MacAddress is { } m ? $"client {m}" : $"client {client.IPAddress} (known only by IP address)";
        if (!ShouldProcess(client.BootEntry is null ? name : $"{name}, boot entry '{client.BootEntry}'", "Remove"))
        {
            return;
        }

        bool removed = client.MacAddress is { } mac
            ? Inventory(() => _registry!.Remove(Engine.Net.MacAddress.Parse(mac)))
            : client.IPAddress is { } address && Inventory(() => _registry!.Store.RemoveByAddress(address));
        if (!removed)
        {
            WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, client, $"The {name} is no longer in the inventory."));
            return;
        }

        WriteVerbose($"Removed {name}.");
        if (PassThru)
        {
            WriteObject(client);
        }
    }
}
