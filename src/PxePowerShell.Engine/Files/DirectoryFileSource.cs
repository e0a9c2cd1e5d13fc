using Microsoft.Win32.SafeHandles;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// Serves the files below one directory. Nothing outside it is ever opened: symbolic links are followed
/// only while their final target stays inside the root (a link to a file elsewhere is refused), and on
/// Linux the opened handle's real path is checked again so a link swapped mid-request cannot escape.
/// When a name does not match exactly, a case-insensitive match is tried (Windows-era clients ask for
/// "PXELINUX.0") unless the request asks for exact names (<see cref="BootRequestContext.CaseSensitive"/>, as HTTP does
/// by default). Only regular files and directories are served: a FIFO, socket or device is refused before it is opened.
/// </summary>
public sealed class DirectoryFileSource : IWritableBootFileSource
{
    private readonly string _root;
    private readonly string _rootWithSeparator;
    private readonly string _configuredRoot;

    /// <summary>Creates a source over <paramref name="root"/>, which must exist.</summary>
    public DirectoryFileSource(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The boot root '{full}' does not exist.");
        }

        _configuredRoot = full;
        _root = ResolveRealPath(full);
        _rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
    }

    /// <summary>The directory's real path (symbolic links resolved).</summary>
    public string Root => _root;

    /// <inheritdoc />
    public string Description => $"directory {_root}";

    /// <inheritdoc />
    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Open(path, context?.CaseSensitive ?? false));

    /// <summary>Opens <paramref name="path"/> synchronously.</summary>
    public BootFileResult Open(BootPath path) => Open(path, caseSensitive: false);

    /// <summary>
    /// Opens <paramref name="path"/> synchronously; with <paramref name="caseSensitive"/> a name must match exactly.
    /// Only regular files are opened, and the open never blocks (a FIFO, socket or device is refused: see
    /// <see cref="RegularFileOpener"/>). Like dnsmasq, a name that is not found and begins with the root's own
    /// absolute path (<c>/srv/tftp/xen.gz</c> under <c>/srv/tftp</c>) names the file below the root.
    /// </summary>
    public BootFileResult Open(BootPath path, bool caseSensitive)
    {
        var result = OpenExact(path, caseSensitive);
        if (result.Status == BootFileStatus.NotFound
            && (RootRelativePath.TryReduce(path.Value, _configuredRoot, out var inner) || RootRelativePath.TryReduce(path.Value, _root, out inner))
            && BootPath.TryParse(inner, out var below, out _))
        {
            return OpenExact(below, caseSensitive);
        }

        return result;
    }

    private BootFileResult OpenExact(BootPath path, bool caseSensitive)
    {
        var resolved = Resolve(path, mustExist: true, caseSensitive);
        if (resolved.Status != BootFileStatus.Ok)
        {
            return new BootFileResult(resolved.Status, null, resolved.Reason);
        }

        string hostPath = resolved.HostPath!;
        SafeFileHandle? handle;
        try
        {
            var status = RegularFileOpener.Open(hostPath, out handle, out string? reason);
            if (status != BootFileStatus.Ok)
            {
                return new BootFileResult(status, null, reason);
            }
        }
        catch (FileNotFoundException)
        {
            return BootFileResult.NotFound();
        }
        catch (DirectoryNotFoundException)
        {
            return BootFileResult.NotFound();
        }
        catch (UnauthorizedAccessException)
        {
            return BootFileResult.Denied("the file is not readable");
        }
        catch (IOException ex)
        {
            return BootFileResult.Denied(ex.Message);
        }

        if (handle is null || !HandleIsInsideRoot(handle))
        {
            handle?.Dispose();
            return BootFileResult.Denied("the path leads outside the root");
        }

        var info = new FileInfo(hostPath);
        return BootFileResult.Opened(new HostBootFile(handle, hostPath, info.LastWriteTimeUtc));
    }

    /// <inheritdoc />
    public BootFileWriteResult Create(BootPath path, bool overwrite)
    {
        if (path.IsRoot)
        {
            return new BootFileWriteResult(BootFileStatus.IsDirectory, null, "the root is a directory");
        }

        var resolved = Resolve(path, mustExist: false, caseSensitive: false);
        if (resolved.Status != BootFileStatus.Ok)
        {
            return new BootFileWriteResult(resolved.Status, null, resolved.Reason);
        }

        string hostPath = resolved.HostPath!;
        if (Directory.Exists(hostPath))
        {
            return new BootFileWriteResult(BootFileStatus.IsDirectory, null, "the path is a directory");
        }

        if (!overwrite && File.Exists(hostPath))
        {
            return new BootFileWriteResult(BootFileStatus.AlreadyExists, null, "the file exists and overwriting is not allowed");
        }

        string? directory = Path.GetDirectoryName(hostPath);
        if (directory is null || !Directory.Exists(directory))
        {
            return new BootFileWriteResult(BootFileStatus.NotFound, null, "the target directory does not exist");
        }

        try
        {
            return new BootFileWriteResult(BootFileStatus.Ok, new HostFileWriter(hostPath, overwrite), null);
        }
        catch (UnauthorizedAccessException)
        {
            return new BootFileWriteResult(BootFileStatus.AccessDenied, null, "the directory is not writable");
        }
        catch (IOException ex)
        {
            return new BootFileWriteResult(BootFileStatus.AccessDenied, null, ex.Message);
        }
    }

    private readonly record struct Resolution(BootFileStatus Status, string? HostPath, string? Reason);

    /// <summary>
    /// Walks the path one segment at a time from the root, following links only while they stay inside.
    /// With <paramref name="mustExist"/> false the last segment may be missing (uploads); with <paramref name="caseSensitive"/>
    /// no case-insensitive match is tried.
    /// </summary>
    private Resolution Resolve(BootPath path, bool mustExist, bool caseSensitive)
    {
        string current = _root;
        var segments = path.Segments;
        for (int i = 0; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            string candidate = Path.Combine(current, segments[i]);
            if (!PathExists(candidate))
            {
                string? match = caseSensitive ? null : FindCaseInsensitive(current, segments[i]);
                if (match is null)
                {
                    if (last && !mustExist)
                    {
                        return new Resolution(BootFileStatus.Ok, candidate, null);
                    }

                    return new Resolution(BootFileStatus.NotFound, null, "file not found");
                }

                candidate = match;
            }

            string real;
            try
            {
                real = ResolveRealPath(candidate);
            }
            catch (IOException)
            {
                return new Resolution(BootFileStatus.AccessDenied, null, "the path holds a broken or looping link");
            }
            catch (UnauthorizedAccessException)
            {
                return new Resolution(BootFileStatus.AccessDenied, null, "the path is not readable");
            }

            if (!IsInsideRoot(real))
            {
                return new Resolution(BootFileStatus.AccessDenied, null, "the path leads outside the root");
            }

            if (!last && !Directory.Exists(real))
            {
                return new Resolution(BootFileStatus.NotFound, null, "file not found");
            }

            current = real;
        }

        return new Resolution(BootFileStatus.Ok, current, null);
    }

    private bool IsInsideRoot(string real) =>
        real.Equals(_root, StringComparison.Ordinal) || real.StartsWith(_rootWithSeparator, StringComparison.Ordinal);

    private bool HandleIsInsideRoot(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            var link = ProcFs.DescriptorPath(handle);
            return link is null || IsInsideRoot(link);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static bool PathExists(string path) => File.Exists(path) || Directory.Exists(path) || IsLink(path);

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindCaseInsensitive(string directory, string name)
    {
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                if (string.Equals(Path.GetFileName(entry), name, StringComparison.OrdinalIgnoreCase))
                {
                    return entry;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Follows symbolic links (in every component) to the real path.</summary>
    private static string ResolveRealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string resolvedParent = parent is null ? full : (parent == full ? parent : ResolveRealPath(parent));
        if (parent is null)
        {
            return full;
        }

        string here = Path.Combine(resolvedParent, Path.GetFileName(full));
        FileSystemInfo info = Directory.Exists(here) ? new DirectoryInfo(here) : new FileInfo(here);
        if (info.LinkTarget is null)
        {
            return here;
        }

        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? here : ResolveRealPath(target.FullName);
    }

    private sealed class HostFileWriter : IBootFileWriter
    {
        private readonly string _target;
        private readonly string _temporary;
        private readonly bool _overwrite;
        private readonly FileStream _stream;
        private bool _committed;

        public HostFileWriter(string target, bool overwrite)
        {
            _target = target;
            _overwrite = overwrite;
            _temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
            _stream = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }

        public long Length => _stream.Length;

        public void Write(ReadOnlySpan<byte> data) => _stream.Write(data);

        public void Commit()
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(_temporary, _target, _overwrite);
            _committed = true;
        }

        public void Dispose()
        {
            _stream.Dispose();
            if (!_committed)
            {
                try
                {
                    File.Delete(_temporary);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
