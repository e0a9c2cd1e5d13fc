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
    [ArgumentCompleter(typeof(MountPointCompleter))]
    public string[]? MountPoint { get; set; }

    /// <summary>
    /// Only the mounts these servers serve (names, wildcards allowed, or server objects): the unscoped mounts and those
    /// scoped to a matching name.
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Server { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var mounts = ModuleState.IsoMounts.Mounts;
        foreach (var (mountPoint, error) in ModuleState.TakeIsoRestoreFailures())
        {
            WriteWarning($"The saved ISO mount '{mountPoint}' was not mounted again: {error}");
        }

        if (Server is not null)
        {
            mounts = ServedBy(mounts, Server);
        }

        if (MountPoint is null)
        {
            WriteObject(mounts, enumerateCollection: true);
            return;
        }

        WriteObject(MatchByName(mounts, MountPoint, m => m.MountPoint, MountPointNotFound), enumerateCollection: true);
    }

    /// <summary>
    /// The mounts a server matching one of <paramref name="patterns"/> serves. A plain name that is neither a running
    /// server nor in any mount's scope (a stopped server's mounts still name it) is a ServerNotFound error.
    /// </summary>
    private List<IsoMount> ServedBy(IReadOnlyList<IsoMount> mounts, string[] patterns)
    {
        var known = ModuleState.Servers.Servers.Select(s => s.Name).Concat(mounts.SelectMany(m => m.Servers)).ToList();
        var wildcards = new List<WildcardPattern>();
        foreach (var pattern in patterns)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            if (!WildcardPattern.ContainsWildcardCharacters(pattern) && !known.Exists(wildcard.IsMatch))
            {
                WriteError(ServerNotFound(pattern));
                continue;
            }

            wildcards.Add(wildcard);
        }

        return wildcards.Count == 0
            ? []
            : mounts.Where(m => m.Servers.Count == 0 || m.Servers.Any(name => wildcards.Exists(w => w.IsMatch(name)))).ToList();
    }
}
