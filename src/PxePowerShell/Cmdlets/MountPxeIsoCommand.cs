using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Serves an ISO image's contents from a mount point of the boot namespace — read from the image itself: no root, no
/// loop mount, no copy. Detects the distribution and proposes boot entries; pipe the result into New-PxeBootEntry.
/// </summary>
[Cmdlet(VerbsData.Mount, "PxeIso", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(IsoMount))]
public sealed class MountPxeIsoCommand : PxeCmdlet
{
    /// <summary>The image file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ImagePath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The first path segment the contents are served under (default: the file name without .iso, in lower case).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? MountPoint { get; set; }

    /// <summary>
    /// The running servers (names, wildcards allowed, or server objects) that serve the image; every server, including
    /// ones started later, when omitted. The scope is kept by name: a server started again under one of these names
    /// serves the image again.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Server { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ResolvePath(Path);
        if (WriteErrorIfDirectory(path, "ISO image"))
        {
            return;
        }

        if (!File.Exists(path))
        {
            WriteError(Error(ErrorIds.IsoNotFound, ErrorCategory.ObjectNotFound, Path, $"The image '{path}' does not exist."));
            return;
        }

        string mountPoint = MountPoint ?? System.IO.Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        try
        {
            IsoMountTable.ParseMountPoint(mountPoint);
        }
        catch (ArgumentException ex)
        {
            WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, mountPoint, ex.Message, ex));
            return;
        }

        string[]? servers = null;
        if (Server is not null)
        {
            servers = ResolveServers(Server);
            if (servers is null)
            {
                return;
            }
        }

        string forServers = servers is null ? string.Empty : $" for {string.Join(", ", servers)}";
        if (!ShouldProcess($"{path} at /{mountPoint}{forServers}", "Mount"))
        {
            return;
        }

        var progress = new ProgressRecord(1, "Mount-PxeIso", $"Reading {System.IO.Path.GetFileName(path)}") { PercentComplete = 0 };
        WriteProgress(progress);
        IsoMount mount;
        try
        {
            mount = ModuleState.IsoMounts.Mount(path, mountPoint, servers, new ProgressWriter(this, progress));
        }
        catch (IsoFormatException ex)
        {
            WriteError(Error(ex, path, $"'{path}' cannot be mounted: {ex.Message}"));
            return;
        }
        catch (InvalidOperationException ex)
        {
            WriteError(Error(ErrorIds.MountPointInUse, ErrorCategory.ResourceExists, mountPoint, ex.Message, ex));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(Error(ErrorIds.IsoNotFound, ErrorCategory.ReadError, path, $"'{path}' cannot be read: {ex.Message}", ex));
            return;
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        foreach (var (failedMountPoint, error) in ModuleState.TakeIsoRestoreFailures())
        {
            WriteWarning($"The saved ISO mount '{failedMountPoint}' was not mounted again: {error}");
        }

        WriteVerbose($"Mounted {mount.Path} ({string.Join(", ", mount.FileSystems)}; serving {mount.FileSystem}) at /{mount.MountPoint}{forServers}: {mount.Distribution ?? "unknown layout"}, {mount.ProposedEntries.Count} proposed entries.");
        foreach (var warning in mount.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(mount);
    }

    /// <summary>
    /// The names of the running servers <paramref name="patterns"/> name (as the session spells them, each once); null
    /// after writing ServerNotFound when one names no running server, because an empty scope would mean every server.
    /// </summary>
    private string[]? ResolveServers(string[] patterns)
    {
        var running = ModuleState.Servers.Servers;
        var names = new List<string>();
        bool missing = false;
        foreach (var pattern in patterns)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = running.Where(s => wildcard.IsMatch(s.Name)).Select(s => s.Name).ToList();
            if (matches.Count == 0)
            {
                WriteError(Error(
                    ErrorIds.ServerNotFound,
                    ErrorCategory.ObjectNotFound,
                    pattern,
                    $"No server named '{pattern}' runs in this session, so the image was not mounted; Get-PxeServer lists them (start the server first, or omit -Server to serve the image from every server)."));
                missing = true;
                continue;
            }

            names.AddRange(matches.Where(m => !names.Contains(m, StringComparer.OrdinalIgnoreCase)));
        }

        return missing ? null : [.. names];
    }

    /// <summary>Writes each stage of the mount as a progress record, on the pipeline thread the mount runs on.</summary>
    private sealed class ProgressWriter(Cmdlet cmdlet, ProgressRecord record) : IProgress<(int Percent, string Status)>
    {
        public void Report((int Percent, string Status) value)
        {
            // A record per stage: a host may keep the records it was given (PowerShell.Streams.Progress does).
            cmdlet.WriteProgress(new ProgressRecord(record.ActivityId, record.Activity, record.StatusDescription)
            {
                PercentComplete = value.Percent,
                CurrentOperation = value.Status,
            });
        }
    }
}
