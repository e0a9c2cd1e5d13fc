using System.Management.Automation;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Cmdlets;

/// <summary>Writes boot entries and the menu settings to a JSON file (all piped entries into one file).</summary>
[Cmdlet(VerbsData.Export, "PxeBootEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPxeBootEntryCommand : BootEntryCmdlet
{
    private readonly List<string> _names = [];
    private BootEntryStore? _store;
    private bool _named;

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The entries to export; wildcards allowed; all when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BootEntryNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[]? Name { get; set; }

    /// <summary>Entries to export, as Get-PxeBootEntry returns them (one, several, or piped).</summary>
    [Parameter(ValueFromPipeline = true)]
    public BootEntry[]? InputObject { get; set; }

    /// <summary>Refuse to replace an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write a FileInfo for the file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            _named = true;
            foreach (var entry in InputObject)
            {
                Add(entry.Name);
            }
        }
        else if (Name is not null)
        {
            _named = true;
            foreach (var entry in Match(_store!.Refresh(), Name))
            {
                Add(entry.Name);
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string path = ResolvePath(Path);
        if (NoClobber && File.Exists(path))
        {
            ThrowTerminatingError(Error(ErrorIds.FileExists, ErrorCategory.ResourceExists, path, $"'{path}' exists already; remove -NoClobber to replace it, or choose another -Path."));
        }

        var configuration = _store!.Refresh();
        var names = _named ? _names : configuration.Entries.Select(e => e.Name).ToList();
        if (_named && names.Count == 0)
        {
            WriteVerbose("No entries were named; nothing is written.");
            return;
        }

        if (!ShouldProcess(path, $"Export {names.Count} boot entries ({string.Join(", ", names)})"))
        {
            return;
        }

        try
        {
            var written = _store.Export(path, names);
            WriteVerbose($"Wrote {written.Length} boot entries to {path}.");
        }
        catch (BootEntryException ex)
        {
            WriteError(BootError(ex, ex.Target ?? path));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Error(ErrorIds.ExportFailed, ErrorCategory.WriteError, path, $"'{path}' cannot be written: {ex.Message}", ex));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }

    private void Add(string name)
    {
        if (!_names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            _names.Add(name);
        }
    }
}
