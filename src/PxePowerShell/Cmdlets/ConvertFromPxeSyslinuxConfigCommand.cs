using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Translates a pxelinux/syslinux/isolinux configuration (pxelinux.cfg/default and its INCLUDEs) into boot entries that
/// pipe into New-PxeBootEntry; every line that does not translate is a warning naming the file and line.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PxeSyslinuxConfig")]
[OutputType(typeof(BootEntry))]
public sealed class ConvertFromPxeSyslinuxConfigCommand : PxeCmdlet
{
    /// <summary>The configuration file, e.g. /srv/tftp/pxelinux.cfg/default.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The TFTP root paths are relative to (default: the parent of pxelinux.cfg, else the file's directory).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ResolvePath(Path);
        if (!TryReadConfiguration(path, "syslinux configuration", file => SyslinuxImporter.FromDirectory(file, Root is null ? null : ResolvePath(Root)), out SyslinuxConversion? conversion))
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
