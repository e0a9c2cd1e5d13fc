using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Cmdlets;

/// <summary>Stops serving a mounted ISO image; transfers in flight finish first (the image closes with its last open file).</summary>
[Cmdlet(VerbsData.Dismount, "PxeIso", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(IsoMount))]
public sealed class DismountPxeIsoCommand : PxeCmdlet
{
    private const string ByName = "MountPoint";
    private const string ByObject = "InputObject";

    /// <summary>Mount points to dismount; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MountPointCompleter))]
    public string[] MountPoint { get; set; } = [];

    /// <summary>Mounts from Mount-PxeIso or Get-PxeIso.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
    public IsoMount[] InputObject { get; set; } = [];

    /// <summary>Write the dismounted mounts.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var mounts = ModuleState.IsoMounts.Mounts;
        var targets = new List<IsoMount>();
        if (ParameterSetName == ByObject)
        {
            targets.AddRange(InputObject);
        }
        else
        {
            targets.AddRange(MatchByName(mounts, MountPoint, m => m.MountPoint, MountPointNotFound));
        }

        foreach (var mount in targets)
        {
            if (!ShouldProcess($"{mount.Path} at /{mount.MountPoint}", "Dismount"))
            {
                continue;
            }

            if (!ModuleState.IsoMounts.Unmount(mount.MountPoint))
            {
                WriteError(Error(ErrorIds.MountPointNotFound, ErrorCategory.ObjectNotFound, mount.MountPoint, $"No image is mounted at '{mount.MountPoint}' any more."));
                continue;
            }

            if (PassThru)
            {
                WriteObject(mount);
            }
        }
    }
}
