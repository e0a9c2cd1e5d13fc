using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Cmdlets;

/// <summary>Changes the properties named of an existing boot entry; the others keep their values.</summary>
[Cmdlet(VerbsCommon.Set, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BootEntry))]
public sealed class SetPxeBootEntryCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;
    private BootNamespace? _namespace;

    /// <summary>The entry to change.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The entry to change, from Get-PxeBootEntry (its Name binds -Name).</summary>
    [Parameter(ValueFromPipeline = true)]
    public BootEntry? InputObject { get; set; }

    /// <summary>A new name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    /// <summary>The text the menu shows.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? Label { get; set; }

    /// <summary>What the entry boots.</summary>
    [Parameter]
    public BootEntryKind Kind { get; set; }

    /// <summary>The kernel, hypervisor or image.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? Kernel { get; set; }

    /// <summary>Initrd images (replace the list).</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Initrd { get; set; }

    /// <summary>The command line.</summary>
    [Parameter]
    [Alias("Append", "CommandLine")]
    [AllowNull]
    [AllowEmptyString]
    public string? Arguments { get; set; }

    /// <summary>Multiboot modules (replace the list).</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Module { get; set; }

    /// <summary>The Chainload target.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? ChainTarget { get; set; }

    /// <summary>The ConfigInclude path.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? ConfigPath { get; set; }

    /// <summary>Help shown under the menu.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? HelpText { get; set; }

    /// <summary>The platforms.</summary>
    [Parameter]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string[]? Architecture { get; set; }

    /// <summary>The menu formats.</summary>
    [Parameter]
    public BootLoader Loader { get; set; }

    /// <summary>Makes the entry the default (-Default:$false clears it).</summary>
    [Parameter]
    [Alias("IsDefault")]
    public SwitchParameter Default { get; set; }

    /// <summary>Menu position.</summary>
    [Parameter]
    public int Order { get; set; }

    /// <summary>Clients by MAC address (replace the list).</summary>
    [Parameter]
    [Alias("ClientId")]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? MacAddress { get; set; }

    /// <summary>Clients by UUID (replace the list).</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Uuid { get; set; }

    /// <summary>The directory (TFTP root) the entry's files are checked against.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>Missing files are errors.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>Write the changed entry.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _store = OpenStore();
        _namespace = ResolveNamespace(Root);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var bound = MyInvocation.BoundParameters;
        var current = _store!.Refresh().Find(Name);
        if (current is null)
        {
            WriteError(NotFound(Name));
            return;
        }

        var changes = new List<Func<BootEntry, BootEntry>>();
        var described = new List<string>();
        void Note(string parameter) => described.Add(parameter);

        if (bound.ContainsKey(nameof(Architecture)))
        {
            if (ParseArchitecture(Architecture ?? [], current) is not { } architecture)
            {
                return;
            }

            changes.Add(e => e with { Architecture = architecture });
            Note($"Architecture={architecture}");
        }

        if (bound.ContainsKey(nameof(Module)))
        {
            if (ParseModules(Module ?? [], current) is not { } modules)
            {
                return;
            }

            changes.Add(e => e with { Modules = modules });
            Note("Module");
        }

        if (bound.ContainsKey(nameof(NewName)))
        {
            changes.Add(e => e with { Name = NewName! });
            Note($"NewName={NewName}");
        }

        if (bound.ContainsKey(nameof(Label)))
        {
            changes.Add(e => e with { Label = Empty(Label) });
            Note("Label");
        }

        if (bound.ContainsKey(nameof(Kind)))
        {
            changes.Add(e => e with { Kind = Kind });
            Note($"Kind={Kind}");
        }

        if (bound.ContainsKey(nameof(Kernel)))
        {
            changes.Add(e => e with { Kernel = Empty(Kernel) });
            Note("Kernel");
        }

        if (bound.ContainsKey(nameof(Initrd)))
        {
            changes.Add(e => e with { Initrd = Initrd ?? [] });
            Note("Initrd");
        }

        if (bound.ContainsKey(nameof(Arguments)))
        {
            changes.Add(e => e with { Arguments = Empty(Arguments) });
            Note("Arguments");
        }

        if (bound.ContainsKey(nameof(ChainTarget)))
        {
            changes.Add(e => e with { ChainTarget = Empty(ChainTarget) });
            Note("ChainTarget");
        }

        if (bound.ContainsKey(nameof(ConfigPath)))
        {
            changes.Add(e => e with { ConfigPath = Empty(ConfigPath) });
            Note("ConfigPath");
        }

        if (bound.ContainsKey(nameof(HelpText)))
        {
            changes.Add(e => e with { HelpText = Empty(HelpText) });
            Note("HelpText");
        }

        if (bound.ContainsKey(nameof(Loader)))
        {
            changes.Add(e => e with { Loader = Loader });
            Note($"Loader={Loader}");
        }

        if (bound.ContainsKey(nameof(Default)))
        {
            changes.Add(e => e with { IsDefault = Default.IsPresent });
            Note($"Default={Default.IsPresent}");
        }

        if (bound.ContainsKey(nameof(Order)))
        {
            changes.Add(e => e with { Order = Order });
            Note($"Order={Order}");
        }

        if (bound.ContainsKey(nameof(MacAddress)))
        {
            changes.Add(e => e with { MacAddresses = MacAddress ?? [] });
            Note("MacAddress");
        }

        if (bound.ContainsKey(nameof(Uuid)))
        {
            changes.Add(e => e with { Uuids = Uuid ?? [] });
            Note("Uuid");
        }

        BootEntry Apply(BootEntry entry)
        {
            foreach (var change in changes)
            {
                entry = change(entry);
            }

            return entry;
        }

        var changed = Apply(current);
        if (!Validate(changed, _namespace, Strict, changed))
        {
            return;
        }

        if (!ShouldProcess($"boot entry '{current.Name}'", described.Count == 0 ? "Set (no changes)" : "Set " + string.Join(", ", described)))
        {
            return;
        }

        if (Try(() => _store.Update(current.Name, Apply), changed) is { } saved)
        {
            WriteVerbose($"Changed boot entry '{saved.Name}'.");
            if (PassThru)
            {
                WriteObject(saved);
            }
        }
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
