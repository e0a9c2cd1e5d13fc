using System.Management.Automation;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Cmdlets;

/// <summary>Removes boot entries by name (wildcards allowed) or as Get-PxeBootEntry returned them.</summary>
[Cmdlet(VerbsCommon.Remove, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BootEntry))]
public sealed class RemovePxeBootEntryCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;

    /// <summary>The names of the entries to remove; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = [];

    /// <summary>Entries to remove, from Get-PxeBootEntry (their Name binds -Name).</summary>
    [Parameter(ValueFromPipeline = true)]
    public BootEntry? InputObject { get; set; }

    /// <summary>Write the removed entries.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var entry in InMenuOrder(Match(_store!.Refresh(), Name)).ToList())
        {
            string description = $"boot entry '{entry.Name}' ({entry.Kind}{(entry.IsDefault ? ", default" : string.Empty)})";
            if (!ShouldProcess(description, "Remove"))
            {
                continue;
            }

            if (Try(() => _store.Remove(entry.Name), entry.Name) is { } removed)
            {
                WriteVerbose($"Removed {description}.");
                if (PassThru)
                {
                    WriteObject(removed);
                }
            }
        }
    }
}
