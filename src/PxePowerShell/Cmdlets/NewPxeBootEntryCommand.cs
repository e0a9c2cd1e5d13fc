using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Creates a boot entry that every generated menu offers. Every property binds from the pipeline by name, so an
/// existing entry (or any object with Name, Kernel, Initrd, Arguments… such as Mount-PxeIso output) can be piped in.
/// </summary>
[Cmdlet(VerbsCommon.New, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BootEntry))]
public sealed class NewPxeBootEntryCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;
    private BootNamespace? _namespace;

    /// <summary>The unique, identifier-like name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The text the menu shows.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Label { get; set; }

    /// <summary>What the entry boots.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public BootEntryKind Kind { get; set; } = BootEntryKind.Linux;

    /// <summary>The kernel, hypervisor or image.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Kernel { get; set; }

    /// <summary>Initrd images, in order.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Initrd { get; set; }

    /// <summary>The kernel or hypervisor command line.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Append", "CommandLine")]
    [AllowNull]
    [AllowEmptyString]
    public string? Arguments { get; set; }

    /// <summary>Multiboot modules, each "path arguments".</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Modules")]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Module { get; set; }

    /// <summary>The boot program or URL of a Chainload entry.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? ChainTarget { get; set; }

    /// <summary>The configuration a ConfigInclude entry includes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? ConfigPath { get; set; }

    /// <summary>Help shown under the menu.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? HelpText { get; set; }

    /// <summary>The platforms (parsed with BootArchitectures.TryParse, so unknown names give UnknownArchitecture).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string[]? Architecture { get; set; }

    /// <summary>The menu formats the entry appears in.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public BootLoader Loader { get; set; } = BootLoader.All;

    /// <summary>Makes the entry the default for its platforms.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("IsDefault")]
    public SwitchParameter Default { get; set; }

    /// <summary>Menu position.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Order { get; set; }

    /// <summary>Clients the entry is limited to, by MAC address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId", "MacAddresses")]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? MacAddress { get; set; }

    /// <summary>Clients the entry is limited to, by UUID.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Uuids")]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Uuid { get; set; }

    /// <summary>The directory (TFTP root) the entry's files are checked against.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>Missing files are errors rather than warnings.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _store = OpenStore();
        _namespace = ResolveNamespace(Root);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        BootArchitecture architecture = BootArchitecture.All;
        if (Architecture is { Length: > 0 } names)
        {
            if (ParseArchitecture(names, Name) is not { } parsed)
            {
                return;
            }

            architecture = parsed;
        }

        if (ParseModules(Module ?? [], Name) is not { } modules)
        {
            return;
        }

        var entry = new BootEntry
        {
            Name = Name,
            Label = Empty(Label),
            HelpText = Empty(HelpText),
            Kind = Kind,
            Architecture = architecture,
            Loader = Loader,
            Kernel = Empty(Kernel),
            Initrd = Initrd ?? [],
            Arguments = Empty(Arguments),
            Modules = modules,
            ChainTarget = Empty(ChainTarget),
            ConfigPath = Empty(ConfigPath),
            IsDefault = Default.IsPresent,
            Order = Order,
            MacAddresses = MacAddress ?? [],
            Uuids = Uuid ?? [],
        };

        if (!Validate(entry, _namespace, Strict, entry))
        {
            return;
        }

        if (_store!.Refresh().Find(entry.Name) is { } existing)
        {
            // Checked here too so that -WhatIf reports it; the store checks again under its lock.
            WriteError(Error(ErrorIds.DuplicateName, ErrorCategory.ResourceExists, entry, $"A boot entry named '{existing.Name}' exists already; choose another name or change it with Set-PxeBootEntry."));
            return;
        }

        if (!ShouldProcess($"boot entry '{entry.Name}' ({entry.Kind}, {entry.Architecture}{(entry.IsDefault ? ", default" : string.Empty)})", "Create"))
        {
            return;
        }

        if (Try(() => _store.Add(entry), entry) is { } saved)
        {
            WriteVerbose($"Created boot entry '{saved.Name}'.");
            WriteObject(saved);
        }
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
