using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso.Detection;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// The images mounted in a session and the namespaces they are served in: a mount shows at once in every attached
/// namespace (every TFTP, HTTP and PXE server), a namespace attached later gets every current mount, and the list is
/// saved so mounts come back after a restart. Dismounting lets transfers in flight finish (the image closes with its
/// last open file). A mount can be scoped to servers by name: then only the namespaces attached under one of those
/// names serve it (also a namespace attached later under that name, as when a server is started again). A mount point
/// names one image across the whole table, whatever the scopes.
/// </summary>
public sealed class IsoMountTable : IDisposable
{
    private readonly object _gate = new();
    private readonly List<IsoMount> _mounts = [];
    private readonly List<(BootNamespace Boot, string? Server)> _namespaces = [];
    private readonly IIsoMountStorage? _storage;
    private readonly TimeProvider _time;

    /// <summary>Creates the table; <paramref name="stateFile"/> (mounts.json) keeps the list across restarts, null keeps nothing.</summary>
    public IsoMountTable(string? stateFile, TimeProvider? timeProvider = null)
        : this(stateFile is null ? null : new JsonIsoMountStorage(stateFile), timeProvider)
    {
    }

    private IsoMountTable(IIsoMountStorage? storage, TimeProvider? timeProvider)
    {
        _storage = storage;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates the table over <paramref name="storage"/>, which keeps the list across restarts.</summary>
    public static IsoMountTable Over(IIsoMountStorage storage, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return new IsoMountTable(storage, timeProvider);
    }

    /// <summary>Where the list is kept, or null when it is kept nowhere.</summary>
    public IIsoMountStorage? Storage => _storage;

    /// <summary>The current mounts.</summary>
    public IReadOnlyList<IsoMount> Mounts
    {
        get
        {
            lock (_gate)
            {
                return [.. _mounts];
            }
        }
    }

    /// <summary>Opens <paramref name="imagePath"/>, detects what it is and serves it at <paramref name="mountPoint"/> in every attached namespace.</summary>
    /// <exception cref="IsoFormatException">Not an image, or a corrupt one.</exception>
    /// <exception cref="InvalidOperationException">The mount point is in use.</exception>
    /// <exception cref="ArgumentException">The mount point is not a single plain path segment.</exception>
    public IsoMount Mount(string imagePath, string mountPoint) => Mount(imagePath, mountPoint, null);

    /// <summary>
    /// Opens <paramref name="imagePath"/>, detects what it is and serves it at <paramref name="mountPoint"/> in the
    /// namespaces attached under one of the names in <paramref name="servers"/> (compared ignoring case), now and later;
    /// null or empty serves it in every attached namespace.
    /// </summary>
    /// <exception cref="IsoFormatException">Not an image, or a corrupt one.</exception>
    /// <exception cref="InvalidOperationException">The mount point is in use (by any scope).</exception>
    /// <exception cref="ArgumentException">The mount point is not a single plain path segment, or a server name is empty.</exception>
    public IsoMount Mount(string imagePath, string mountPoint, IEnumerable<string>? servers) => Mount(imagePath, mountPoint, servers, null);

    /// <summary>
    /// <see cref="Mount(string, string, IEnumerable{string}?)"/>, reporting each stage to <paramref name="progress"/> (a
    /// percentage and what is being done) on the calling thread.
    /// </summary>
    public IsoMount Mount(string imagePath, string mountPoint, IEnumerable<string>? servers, IProgress<(int Percent, string Status)>? progress)
    {
        var prefix = ParseMountPoint(mountPoint);
        var scope = NormalizeServers(servers);
        lock (_gate)
        {
            if (_mounts.Exists(m => string.Equals(m.MountPoint, prefix.Value, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"The mount point '{prefix.Value}' is in use; dismount it first or choose another -MountPoint.");
            }
        }

        progress?.Report((5, "reading the volume descriptors and the file system"));
        var image = IsoImage.Open(imagePath);
        var source = new IsoFileSource(image);
        DetectionResult detection;
        try
        {
            progress?.Report((50, $"detecting the distribution of {image.VolumeLabel}"));
            detection = DistributionDetector.Detect(image, prefix.Value);
            progress?.Report((90, $"serving it at /{prefix.Value}"));
        }
        catch
        {
            source.Dispose();
            throw;
        }

        var mount = new IsoMount(prefix.Value, source, detection, _time.GetUtcNow(), scope);
        lock (_gate)
        {
            if (_mounts.Exists(m => string.Equals(m.MountPoint, prefix.Value, StringComparison.OrdinalIgnoreCase)))
            {
                source.Dispose();
                throw new InvalidOperationException($"The mount point '{prefix.Value}' is in use; dismount it first or choose another -MountPoint.");
            }

            _mounts.Add(mount);
            foreach (var (boot, server) in _namespaces)
            {
                if (mount.IsServedBy(server))
                {
                    boot.Mount(prefix, source);
                }
            }

            Save();
        }

        return mount;
    }

    /// <summary>Stops serving <paramref name="mountPoint"/>; false when nothing is mounted there.</summary>
    public bool Unmount(string mountPoint)
    {
        IsoMount? mount;
        lock (_gate)
        {
            mount = _mounts.Find(m => string.Equals(m.MountPoint, mountPoint, StringComparison.OrdinalIgnoreCase));
            if (mount is null)
            {
                return false;
            }

            _mounts.Remove(mount);
            var prefix = BootPath.Parse(mount.MountPoint);
            foreach (var (boot, server) in _namespaces)
            {
                if (mount.IsServedBy(server))
                {
                    boot.Unmount(prefix);
                }
            }

            Save();
        }

        mount.Source.Dispose();
        return true;
    }

    /// <summary>Serves every current and future mount that is not scoped to servers in <paramref name="boot"/>.</summary>
    public void Attach(BootNamespace boot) => Attach(boot, null);

    /// <summary>
    /// Serves in <paramref name="boot"/>, the namespace of the server named <paramref name="serverName"/>, every current
    /// and future mount that server serves: the unscoped ones and those scoped to its name. A null name gets only the
    /// unscoped mounts. Attaching a namespace again changes nothing.
    /// </summary>
    public void Attach(BootNamespace boot, string? serverName)
    {
        ArgumentNullException.ThrowIfNull(boot);
        lock (_gate)
        {
            if (_namespaces.Exists(n => ReferenceEquals(n.Boot, boot)))
            {
                return;
            }

            _namespaces.Add((boot, serverName));
            foreach (var mount in _mounts)
            {
                if (mount.IsServedBy(serverName))
                {
                    boot.Mount(BootPath.Parse(mount.MountPoint), mount.Source);
                }
            }
        }
    }

    /// <summary>Stops following mounts in <paramref name="boot"/> (its server stopped); what it serves now stays.</summary>
    public void Detach(BootNamespace boot)
    {
        lock (_gate)
        {
            _namespaces.RemoveAll(n => ReferenceEquals(n.Boot, boot));
        }
    }

    /// <summary>The current mounts the server named <paramref name="serverName"/> serves (unscoped ones and those scoped to it).</summary>
    public IReadOnlyList<IsoMount> MountsServedBy(string serverName)
    {
        lock (_gate)
        {
            return _mounts.FindAll(m => m.IsServedBy(serverName));
        }
    }

    /// <summary>
    /// Mounts again what the state file lists (after a restart); returns, for each one that could not be mounted, its
    /// mount point and why.
    /// </summary>
    public IReadOnlyList<(string MountPoint, string Error)> Restore()
    {
        var failures = new List<(string, string)>();
        foreach (var saved in ReadState())
        {
            try
            {
                Mount(saved.Path, saved.MountPoint, saved.Servers);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IsoFormatException or InvalidOperationException or ArgumentException)
            {
                failures.Add((saved.MountPoint, ex.Message));
            }
        }

        return failures;
    }

    /// <summary>The saved mounts: path, mount point and the servers they are scoped to (empty for files written before scopes existed).</summary>
    /// <exception cref="InvalidDataException">The file is not a mount list.</exception>
    public IReadOnlyList<IsoMountConfiguration> ReadState() => _storage?.Read() ?? [];

    /// <summary>Parses a mount point: one plain path segment ("arch").</summary>
    /// <exception cref="ArgumentException">Empty, several segments, or anything the path sanitizer refuses.</exception>
    public static BootPath ParseMountPoint(string mountPoint)
    {
        if (!BootPath.TryParse(mountPoint, out var path, out string? reason) || path.IsRoot || path.Segments.Length != 1)
        {
            throw new ArgumentException($"'{mountPoint}' is not a mount point: give one plain name such as 'arch'{(reason is null ? string.Empty : $" ({reason})")}.", nameof(mountPoint));
        }

        return path;
    }

    /// <summary>The names trimmed, without duplicates (ignoring case), in the order given; empty for none.</summary>
    private static string[] NormalizeServers(IEnumerable<string>? servers)
    {
        if (servers is null)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var server in servers)
        {
            string name = server?.Trim() ?? string.Empty;
            if (name.Length == 0)
            {
                throw new ArgumentException("A server name is empty; give the names of the servers that serve the image, or none for every server.", nameof(servers));
            }

            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    private void Save() => _storage?.Write([.. _mounts.Select(m => new IsoMountConfiguration(m.Path, m.MountPoint) { Servers = m.Servers })]);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var mount in _mounts)
            {
                mount.Source.Dispose();
            }

            _mounts.Clear();
            _namespaces.Clear();
        }
    }
}
