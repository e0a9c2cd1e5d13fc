using System.Management.Automation;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Cmdlets;

/// <summary>Removes boot entries by name (wildcards allowed) or as Get-PxeBootEntry returned them.</summary>
[Cmdlet(VerbsCommon.Remove, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(BootEntry))]
public sealed class RemovePxeBootEntryCommand : BootEntryCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";
    private BootEntryStore? _store;

    /// <summary>The names of the entries to remove; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = [];

    /// <summary>Entries to remove, as Get-PxeBootEntry returns them (each is removed by its name).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public BootEntry[] InputObject { get; set; } = [];

    /// <summary>Write the removed entries.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string[] names = ParameterSetName == ByObject ? InputObject.Select(e => WildcardPattern.Escape(e.Name)).ToArray() : Name;
        foreach (var entry in InMenuOrder(Match(_store!.Refresh(), names)).ToList())
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
