using System.Management.Automation;
using PxePowerShell.Engine.Clients;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Assigns a boot entry or host name to clients. A client that is not in the inventory yet is registered, so it
/// boots the assigned entry the first time it starts.
/// </summary>
[Cmdlet(VerbsCommon.Set, "PxeClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientRecord))]
public sealed class SetPxeClientCommand : ClientCmdlet
{
    private ClientRegistry? _registry;

    /// <summary>The clients to change: MAC addresses in any common notation.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ArgumentCompleter(typeof(ClientMacAddressCompleter))]
    public string[] MacAddress { get; set; } = [];

    /// <summary>The boot entry these clients boot ("" clears the assignment: they get the default menu).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [AllowEmptyString]
    [AllowNull]
    public string? BootEntry { get; set; }

    /// <summary>The host name to record ("" clears it).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? HostName { get; set; }

    /// <summary>Write the changed clients to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _registry = OpenInventory();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var changes = new ClientChanges
        {
            BootEntry = MyInvocation.BoundParameters.ContainsKey(nameof(BootEntry)) ? BootEntry ?? string.Empty : null,
            HostName = MyInvocation.BoundParameters.ContainsKey(nameof(HostName)) ? HostName ?? string.Empty : null,
        };

        foreach (var text in MacAddress)
        {
            if (ParseMac(text) is not { } mac)
            {
                continue;
            }

            var existing = Inventory(() => _registry!.Find(mac));
            string what = Describe(changes);
            if (!ShouldProcess($"client {mac}", existing is null ? $"Register ({what})" : $"Set {what}"))
            {
                continue;
            }

            var record = Inventory(() => _registry!.Update(mac, changes, create: true))!;
            WriteVerbose(existing is null ? $"Registered client {mac} ({what})." : $"Client {mac}: {what}.");
            if (PassThru)
            {
                WriteObject(record);
            }
        }
    }

    private static string Describe(ClientChanges changes)
    {
        var parts = new List<string>();
        if (changes.BootEntry is { } entry)
        {
            parts.Add(entry.Length == 0 ? "no boot entry" : $"boot entry '{entry}'");
        }

        if (changes.HostName is { } host)
        {
            parts.Add(host.Length == 0 ? "no host name" : $"host name '{host}'");
        }

        return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
    }
}
