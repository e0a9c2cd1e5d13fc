using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Grub;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Translates a GRUB configuration (grub.cfg and the files it sources) into boot entries that pipe into
/// New-PxeBootEntry; every line that does not translate is a warning naming the file and line. -Root defaults to the
/// nearest directory above the file that holds the entries' kernels.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PxeGrubConfig")]
[OutputType(typeof(BootEntry))]
public sealed class ConvertFromPxeGrubConfigCommand : ConvertFromBootConfigCmdlet
{
    private protected override string What => "GRUB configuration";

    private protected override Conversion Read(string file, string? root)
    {
        var conversion = GrubImporter.FromDirectory(file, root);
        return new(conversion.Files, conversion.Entries, conversion.Warnings);
    }
}
