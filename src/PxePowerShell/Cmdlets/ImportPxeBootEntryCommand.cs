using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Cmdlets;

/// <summary>Adds the entries of a boot entry file (Export-PxeBootEntry), all or nothing.</summary>
[Cmdlet(VerbsData.Import, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BootEntry))]
public sealed class ImportPxeBootEntryCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;
    private BootNamespace? _namespace;

    /// <summary>The file to read.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Replace existing entries with the same names.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The directory (TFTP root) the entries' files are checked against.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>Missing files are errors.</summary>
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
        string path = ResolvePath(Path);
        System.Collections.Immutable.ImmutableArray<BootEntry> entries;
        try
        {
            (_, entries) = BootEntryFile.Read(path, ErrorIds.ImportUnreadable);
        }
        catch (BootEntryException ex)
        {
            WriteError(BootError(ex, path));
            return;
        }

        bool ok = true;
        foreach (var entry in entries)
        {
            ok &= Validate(entry, _namespace, Strict, entry);
        }

        if (!ok)
        {
            WriteVerbose($"Nothing was imported from {path}.");
            return;
        }

        var existing = _store!.Refresh();
        if (Try(() => (object)_store.CheckImport(entries, Force), path) is null)
        {
            return;
        }

        var replaced = entries.Where(e => existing.Find(e.Name) is not null).Select(e => e.Name).ToList();
        string what = $"{entries.Length} boot entries from '{path}': {string.Join(", ", entries.Select(e => e.Name))}"
            + (replaced.Count > 0 ? $" (replacing {string.Join(", ", replaced)})" : string.Empty);
        if (!ShouldProcess(what, "Import"))
        {
            return;
        }

        if (Try(() => (object)_store.ImportEntries(entries, Force), path) is System.Collections.Immutable.ImmutableArray<BootEntry> imported)
        {
            WriteVerbose($"Imported {imported.Length} boot entries from {path}.");
            foreach (var entry in imported)
            {
                WriteObject(entry);
            }
        }
    }
}
