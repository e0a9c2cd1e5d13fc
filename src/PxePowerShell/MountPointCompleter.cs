using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PxePowerShell;

/// <summary>Completes the mount points of the images mounted in this session (Mount-PxeIso).</summary>
public sealed class MountPointCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionFilter.StartingWith(wordToComplete, ModuleState.IsoMounts.Mounts.Select(m => (m.MountPoint, $"{m.MountPoint}: {m.VolumeLabel} ({m.Path})")));
}
