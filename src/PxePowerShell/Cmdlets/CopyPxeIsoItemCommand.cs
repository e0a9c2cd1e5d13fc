using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Cmdlets;

/// <summary>Extracts files from a mounted image to disk, for when someone really wants them there.</summary>
[Cmdlet(VerbsCommon.Copy, "PxeIsoItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo), typeof(DirectoryInfo))]
public sealed class CopyPxeIsoItemCommand : IsoItemCmdlet
{
    /// <summary>The directory to copy into (created when missing).</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Replace files that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write a FileInfo for each file copied.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (FindMount() is not { } mount || Items(mount, includeDirectoryItself: false) is not { } items)
        {
            return;
        }

        string destination = ResolvePath(Destination);
        long total = items.Where(i => i.Entry.Kind == IsoEntryKind.File).Sum(i => i.Entry.Length);
        var progress = new CopyProgress(this, mount.MountPoint, total);
        string start = Path.Trim('/');
        bool single = items.Count == 1 && !items[0].Entry.IsDirectory && items[0].Item.Path == start;
        foreach (var (item, entry) in items)
        {
            // A file lands in -Destination under its name; a directory's contents keep their paths below it.
            string relative = single ? item.Name : start.Length == 0 ? item.Path : item.Path[(start.Length + 1)..];
            string target = System.IO.Path.GetFullPath(System.IO.Path.Combine(destination, relative.Replace('/', System.IO.Path.DirectorySeparatorChar)));
            if (!target.StartsWith(System.IO.Path.GetFullPath(destination), StringComparison.Ordinal))
            {
                WriteError(Error(ErrorIds.InvalidIsoImage, ErrorCategory.SecurityError, item.Path, $"'{item.Path}' would be written outside {destination}; skipped."));
                continue;
            }

            if (entry.IsDirectory)
            {
                Directory.CreateDirectory(target);
                continue;
            }

            if (entry.Kind != IsoEntryKind.File)
            {
                WriteVerbose($"{item.Path} is a link to {entry.SymlinkTarget}; not copied.");
                continue;
            }

            if (File.Exists(target) && !Force)
            {
                WriteError(Error(ErrorIds.FileExists, ErrorCategory.ResourceExists, target, $"'{target}' exists already; use -Force to replace it."));
                continue;
            }

            if (!ShouldProcess(target, $"Copy {mount.MountPoint}/{item.Path} ({entry.Length} bytes)"))
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                Copy(mount, entry, target, progress.For(item.Path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(Error(ErrorIds.ExportFailed, ErrorCategory.WriteError, target, $"'{target}' cannot be written: {ex.Message}", ex));
                continue;
            }

            if (PassThru)
            {
                WriteObject(new FileInfo(target));
            }
        }

        progress.Complete();
    }

    private static void Copy(IsoMount mount, IsoEntry entry, string target, Action<int> copied)
    {
        using var file = mount.Source.Image.OpenFile(entry);
        string temporary = target + ".partial";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            byte[] buffer = new byte[1 << 20];
            for (long offset = 0; offset < file.Length;)
            {
                int n = file.Read(offset, buffer);
                if (n == 0)
                {
                    throw new IOException($"the image ended {file.Length - offset} bytes before the end of {entry.Name}");
                }

                output.Write(buffer, 0, n);
                offset += n;
                copied(n);
            }
        }

        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Write-Progress for a copy: the percentage of all the bytes to copy, written when it changes.</summary>
    private sealed class CopyProgress(Cmdlet cmdlet, string mountPoint, long total)
    {
        private readonly string _status = $"Copying from /{mountPoint}";
        private long _done;
        private int _written = -1;

        /// <summary>The callback that counts the bytes of the file at <paramref name="path"/>.</summary>
        public Action<int> For(string path) => bytes =>
        {
            _done += bytes;
            int percent = total <= 0 ? 100 : (int)Math.Min(100, _done * 100 / total);
            if (percent != _written)
            {
                _written = percent;
                cmdlet.WriteProgress(new ProgressRecord(1, "Copy-PxeIsoItem", _status)
                {
                    PercentComplete = percent,
                    CurrentOperation = $"{path}: {_done:N0} of {total:N0} bytes",
                });
            }
        };

        /// <summary>Ends the progress bar.</summary>
        public void Complete()
        {
            if (_written >= 0)
            {
                cmdlet.WriteProgress(new ProgressRecord(1, "Copy-PxeIsoItem", _status) { PercentComplete = 100, RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
