using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Cmdlets;

/// <summary>Gets the boot entries, in menu order, filtered by name, platform, kind, client or default.</summary>
[Cmdlet(VerbsCommon.Get, "PxeBootEntry")]
[OutputType(typeof(BootEntry))]
public sealed class GetPxeBootEntryCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;

    /// <summary>Names of the entries; wildcards allowed; all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[]? Name { get; set; }

    /// <summary>Only entries for one of these platforms.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string[]? Architecture { get; set; }

    /// <summary>Only entries of this kind.</summary>
    [Parameter]
    public BootEntryKind? Kind { get; set; }

    /// <summary>Only the entries the client with this MAC address sees.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>Only the entries the client with this UUID sees.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Uuid { get; set; }

    /// <summary>Only defaults.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        BootArchitecture? architecture = null;
        if (Architecture is { Length: > 0 })
        {
            architecture = ParseArchitecture(Architecture, Architecture);
            if (architecture is null)
            {
                return;
            }
        }

        BootClient? client = null;
        if (MacAddress is not null || Uuid is not null)
        {
            string? mac = null;
            string? uuid = null;
            if (MacAddress is not null && !BootEntry.TryNormalizeMacAddress(MacAddress, out mac))
            {
                WriteError(Error(ErrorIds.InvalidMacAddress, ErrorCategory.InvalidArgument, MacAddress, $"'{MacAddress}' is not a MAC address; use the form aa-bb-cc-dd-ee-ff."));
                return;
            }

            if (Uuid is not null && !BootEntry.TryNormalizeUuid(Uuid, out uuid))
            {
                WriteError(Error(ErrorIds.InvalidUuid, ErrorCategory.InvalidArgument, Uuid, $"'{Uuid}' is not a UUID."));
                return;
            }

            client = new BootClient(mac, uuid);
        }

        var configuration = _store!.Refresh();
        foreach (var entry in InMenuOrder(Match(configuration, Name)))
        {
            if ((architecture is { } a && (entry.Architecture & a) == 0)
                || (Kind is { } kind && entry.Kind != kind)
                || (client is not null && !entry.AppliesTo(client))
                || (Default && !entry.IsDefault))
            {
                continue;
            }

            WriteObject(entry);
        }
    }
}
