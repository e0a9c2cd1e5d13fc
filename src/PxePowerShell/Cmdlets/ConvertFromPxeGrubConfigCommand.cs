using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Grub;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Translates a GRUB configuration (grub.cfg and the files it sources) into boot entries that pipe into
/// New-PxeBootEntry; every line that does not translate is a warning naming the file and line.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PxeGrubConfig")]
[OutputType(typeof(BootEntry))]
public sealed class ConvertFromPxeGrubConfigCommand : PxeCmdlet
{
    /// <summary>The configuration file, e.g. /srv/tftp/debian-installer/amd64/grub/grub.cfg.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The TFTP root GRUB's absolute paths start from (default: the nearest directory above the file that holds the entries' kernels).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ResolvePath(Path);
        if (!TryReadConfiguration(path, "GRUB configuration", file => GrubImporter.FromDirectory(file, Root is null ? null : ResolvePath(Root)), out GrubConversion? conversion))
        {
            return;
        }

        WriteVerbose($"Read {string.Join(", ", conversion.Files)}; {conversion.Entries.Count} entries.");
        foreach (var warning in conversion.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        WriteObject(conversion.Entries, enumerateCollection: true);
    }
}
