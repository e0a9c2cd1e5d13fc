using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Translates a pxelinux/syslinux/isolinux configuration (pxelinux.cfg/default and its INCLUDEs) into boot entries that
/// pipe into New-PxeBootEntry; every line that does not translate is a warning naming the file and line. -Root defaults
/// to the parent of pxelinux.cfg, else the file's directory.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PxeSyslinuxConfig")]
[OutputType(typeof(BootEntry))]
public sealed class ConvertFromPxeSyslinuxConfigCommand : ConvertFromBootConfigCmdlet
{
    private protected override string What => "syslinux configuration";

    private protected override Conversion Read(string file, string? root)
    {
        var conversion = SyslinuxImporter.FromDirectory(file, root);
        return new(conversion.Files, conversion.Entries, conversion.Warnings);
    }
}
