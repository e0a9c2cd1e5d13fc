using System.Management.Automation;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell;

/// <summary>The shared half of Get-PxeIsoItem and Copy-PxeIsoItem: -MountPoint, -Path, -Recurse and the walk over an image.</summary>
public abstract class IsoItemCmdlet : PxeCmdlet
{
    private string? _commandLinePath;

    /// <summary>The mount point of the image.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MountPointCompleter))]
    public string MountPoint { get; set; } = string.Empty;

    /// <summary>The path inside the image (default: its root).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// A mounted image piped in (Get-PxeIso, Mount-PxeIso). Its MountPoint binds -MountPoint; its Path is the image file,
    /// not a path inside the image, so with a mount -Path is only what the command line says (default: the root).
    /// </summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public IsoMount? InputObject { get; set; }

    /// <summary>Include everything below directories.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        // Before the first pipeline object binds: only what the command line gave.
        _commandLinePath = MyInvocation.BoundParameters.ContainsKey(nameof(Path)) ? Path : null;
    }

    /// <summary>The mount at -MountPoint, or null after writing MountPointNotFound.</summary>
    protected IsoMount? FindMount()
    {
        if (InputObject is not null)
        {
            MountPoint = InputObject.MountPoint;
            Path = _commandLinePath ?? string.Empty;
        }

        var mount = ModuleState.IsoMounts.Mounts.FirstOrDefault(m => string.Equals(m.MountPoint, MountPoint, StringComparison.OrdinalIgnoreCase));
        if (mount is null)
        {
            WriteError(Error(ErrorIds.MountPointNotFound, ErrorCategory.ObjectNotFound, MountPoint, $"No image is mounted at '{MountPoint}'; Get-PxeIso lists the mounts."));
        }

        return mount;
    }

    /// <summary>
    /// The item at -Path and, for a directory, its children (everything below with -Recurse; each directory once, so a
    /// looping image ends). Null after writing IsoItemNotFound or InvalidIsoImage.
    /// </summary>
    protected List<(IsoItem Item, IsoEntry Entry)>? Items(IsoMount mount, bool includeDirectoryItself)
    {
        var image = mount.Source.Image;
        string start = Path.Trim('/');
        try
        {
            var entry = start.Length == 0 ? image.FileSystem.Root : image.FindLink(start);
            if (entry is { Kind: IsoEntryKind.Symlink } && image.Find(start) is { IsDirectory: true } target)
            {
                entry = target; // "kernels/" style links to directories list the directory
            }

            if (entry is null)
            {
                WriteError(Error(ErrorIds.IsoItemNotFound, ErrorCategory.ObjectNotFound, Path, $"'{start}' is not in the image mounted at '{mount.MountPoint}'."));
                return null;
            }

            var result = new List<(IsoItem, IsoEntry)>();
            if (!entry.IsDirectory || includeDirectoryItself)
            {
                result.Add((IsoItem.From(mount.MountPoint, start, entry), entry));
            }

            if (!entry.IsDirectory)
            {
                return result;
            }

            var seen = new HashSet<long>();
            var pending = new Stack<(string Path, IsoEntry Entry)>();
            pending.Push((start, entry));
            while (pending.Count > 0)
            {
                var (directoryPath, directory) = pending.Pop();
                if (directory.Extents.Count > 0 && !seen.Add(directory.Extents[0].Offset))
                {
                    continue;
                }

                foreach (var child in image.FileSystem.List(directory))
                {
                    string childPath = directoryPath.Length == 0 ? child.Name : $"{directoryPath}/{child.Name}";
                    result.Add((IsoItem.From(mount.MountPoint, childPath, child), child));
                    if (Recurse && child.IsDirectory)
                    {
                        pending.Push((childPath, child));
                    }
                }
            }

            return result;
        }
        catch (IsoFormatException ex)
        {
            WriteError(Error(ex, Path, $"The image mounted at '{mount.MountPoint}' is damaged here: {ex.Message}"));
            return null;
        }
    }
}
