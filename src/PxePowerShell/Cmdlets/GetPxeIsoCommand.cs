using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists the mounted ISO images.</summary>
[Cmdlet(VerbsCommon.Get, "PxeIso")]
[OutputType(typeof(IsoMount))]
public sealed class GetPxeIsoCommand : PxeCmdlet
{
    /// <summary>Mount points to show; wildcards allowed; all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? MountPoint { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var mounts = ModuleState.IsoMounts.Mounts;
        foreach (var (mountPoint, error) in ModuleState.TakeIsoRestoreFailures())
        {
            WriteWarning($"The saved ISO mount '{mountPoint}' was not mounted again: {error}");
        }

        if (MountPoint is null)
        {
            WriteObject(mounts, enumerateCollection: true);
            return;
        }

        WriteObject(MatchByName(mounts, MountPoint, m => m.MountPoint, MountPointNotFound), enumerateCollection: true);
    }
}
