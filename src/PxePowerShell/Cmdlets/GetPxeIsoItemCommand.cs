using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists files inside a mounted image, like Get-ChildItem.</summary>
[Cmdlet(VerbsCommon.Get, "PxeIsoItem")]
[OutputType(typeof(IsoItem))]
public sealed class GetPxeIsoItemCommand : IsoItemCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (FindMount() is { } mount && Items(mount, includeDirectoryItself: false) is { } items)
        {
            foreach (var (item, _) in items)
            {
                WriteObject(item);
            }
        }
    }
}
