using System.Collections.Immutable;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// The files a boot server offers: a mount table of sources at prefixes ("" for the root directory,
/// "arch" for an ISO image, "pxelinux.cfg" for generated menus). A path resolves to the source with the
/// longest matching prefix. TFTP and HTTP serve the same namespace. Safe to read while mounts change.
/// </summary>
public sealed class BootNamespace
{
    private ImmutableArray<BootMount> _mounts = ImmutableArray<BootMount>.Empty;
    private readonly object _gate = new();

    /// <summary>An empty namespace.</summary>
    public BootNamespace()
    {
    }

    /// <summary>A namespace with <paramref name="rootDirectory"/> mounted at the root.</summary>
    public BootNamespace(string rootDirectory) => Mount(BootPath.Root, new DirectoryFileSource(rootDirectory));

    /// <summary>The mounts, longest prefix first.</summary>
    public IReadOnlyList<BootMount> Mounts => _mounts;

    /// <summary>The source mounted at the root, if any.</summary>
    public IBootFileSource? RootSource => Find(BootPath.Root)?.Source;

    /// <summary>The directory mounted at the root, or null when the root is not a directory (or nothing is mounted there).</summary>
    public string? RootDirectory => (RootSource as DirectoryFileSource)?.Root;

    /// <summary>Mounts <paramref name="source"/> at <paramref name="prefix"/>; fails when the prefix is taken.</summary>
    public BootMount Mount(BootPath prefix, IBootFileSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            foreach (var mount in _mounts)
            {
                if (mount.Prefix == prefix)
                {
                    throw new InvalidOperationException($"Something is already mounted at '/{prefix}'.");
                }
            }

            var added = new BootMount(prefix, source);
            _mounts = _mounts.Add(added).Sort(static (a, b) => b.Prefix.Value.Length.CompareTo(a.Prefix.Value.Length));
            return added;
        }
    }

    /// <summary>Removes the mount at <paramref name="prefix"/>; returns false when there was none.</summary>
    public bool Unmount(BootPath prefix)
    {
        lock (_gate)
        {
            var before = _mounts;
            _mounts = _mounts.RemoveAll(m => m.Prefix == prefix);
            return before.Length != _mounts.Length;
        }
    }

    /// <summary>The mount that serves <paramref name="path"/>, or null.</summary>
    public BootMount? Find(BootPath path)
    {
        foreach (var mount in _mounts)
        {
            if (path.StartsWith(mount.Prefix))
            {
                return mount;
            }
        }

        return null;
    }

    /// <summary>Opens <paramref name="path"/> from the source that serves it.</summary>
    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default)
    {
        var mount = Find(path);
        return mount is null
            ? ValueTask.FromResult(BootFileResult.NotFound())
            : mount.Source.OpenAsync(path.RelativeTo(mount.Prefix), context, cancellationToken);
    }

    /// <summary>Creates <paramref name="path"/> for writing, when its source accepts uploads.</summary>
    public BootFileWriteResult Create(BootPath path, bool overwrite)
    {
        var mount = Find(path);
        if (mount?.Source is not IWritableBootFileSource writable)
        {
            return new BootFileWriteResult(BootFileStatus.AccessDenied, null, "this part of the namespace is read-only");
        }

        return writable.Create(path.RelativeTo(mount.Prefix), overwrite);
    }
}

/// <summary>A source mounted at a prefix of a <see cref="BootNamespace"/>.</summary>
/// <param name="Prefix">Where it is mounted ("" for the root).</param>
/// <param name="Source">What is mounted.</param>
public sealed record BootMount(BootPath Prefix, IBootFileSource Source);
