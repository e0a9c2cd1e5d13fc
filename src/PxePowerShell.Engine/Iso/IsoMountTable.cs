using System.Text.Json;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso.Detection;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// The images mounted in a session and the namespaces they are served in: a mount shows at once in every attached
/// namespace (every TFTP, HTTP and PXE server), a namespace attached later gets every current mount, and the list is
/// saved so mounts come back after a restart. Dismounting lets transfers in flight finish (the image closes with its
/// last open file).
/// </summary>
public sealed class IsoMountTable : IDisposable
{
    private readonly object _gate = new();
    private readonly List<IsoMount> _mounts = [];
    private readonly List<BootNamespace> _namespaces = [];
    private readonly string? _stateFile;
    private readonly TimeProvider _time;

    /// <summary>Creates the table; <paramref name="stateFile"/> (mounts.json) keeps the list across restarts, null keeps nothing.</summary>
    public IsoMountTable(string? stateFile, TimeProvider? timeProvider = null)
    {
        _stateFile = stateFile;
        _time = timeProvider ?? TimeProvider.System;
    }

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
    public IsoMount Mount(string imagePath, string mountPoint)
    {
        var prefix = ParseMountPoint(mountPoint);
        lock (_gate)
        {
            if (_mounts.Exists(m => string.Equals(m.MountPoint, prefix.Value, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"The mount point '{prefix.Value}' is in use; dismount it first or choose another -MountPoint.");
            }
        }

        var image = IsoImage.Open(imagePath);
        var source = new IsoFileSource(image);
        DetectionResult detection;
        try
        {
            detection = DistributionDetector.Detect(image, prefix.Value);
        }
        catch
        {
            source.Dispose();
            throw;
        }

        var mount = new IsoMount(prefix.Value, source, detection, _time.GetUtcNow());
        lock (_gate)
        {
            if (_mounts.Exists(m => string.Equals(m.MountPoint, prefix.Value, StringComparison.OrdinalIgnoreCase)))
            {
                source.Dispose();
                throw new InvalidOperationException($"The mount point '{prefix.Value}' is in use; dismount it first or choose another -MountPoint.");
            }

            _mounts.Add(mount);
            foreach (var boot in _namespaces)
            {
                boot.Mount(prefix, source);
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
            foreach (var boot in _namespaces)
            {
                boot.Unmount(prefix);
            }

            Save();
        }

        mount.Source.Dispose();
        return true;
    }

    /// <summary>Serves every current and future mount in <paramref name="boot"/>.</summary>
    public void Attach(BootNamespace boot)
    {
        ArgumentNullException.ThrowIfNull(boot);
        lock (_gate)
        {
            if (_namespaces.Contains(boot))
            {
                return;
            }

            _namespaces.Add(boot);
            foreach (var mount in _mounts)
            {
                boot.Mount(BootPath.Parse(mount.MountPoint), mount.Source);
            }
        }
    }

    /// <summary>Stops following mounts in <paramref name="boot"/> (its server stopped).</summary>
    public void Detach(BootNamespace boot)
    {
        lock (_gate)
        {
            _namespaces.Remove(boot);
        }
    }

    /// <summary>
    /// Mounts again what the state file lists (after a restart); returns, for each one that could not be mounted, its
    /// mount point and why.
    /// </summary>
    public IReadOnlyList<(string MountPoint, string Error)> Restore()
    {
        var failures = new List<(string, string)>();
        foreach (var (path, mountPoint) in ReadState())
        {
            try
            {
                Mount(path, mountPoint);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IsoFormatException or InvalidOperationException or ArgumentException)
            {
                failures.Add((mountPoint, ex.Message));
            }
        }

        return failures;
    }

    /// <summary>The saved (path, mount point) pairs.</summary>
    public IReadOnlyList<(string Path, string MountPoint)> ReadState()
    {
        if (_stateFile is null || !File.Exists(_stateFile))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(_stateFile));
            return document.RootElement.EnumerateArray()
                .Select(e => (e.GetProperty("Path").GetString() ?? string.Empty, e.GetProperty("MountPoint").GetString() ?? string.Empty))
                .Where(p => p.Item1.Length > 0 && p.Item2.Length > 0)
                .ToList();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{_stateFile} is not a mount list: {ex.Message}", ex);
        }
    }

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

    private void Save()
    {
        if (_stateFile is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_stateFile)!);
        string temporary = _stateFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_mounts.Select(m => new { m.Path, m.MountPoint }), new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, _stateFile, overwrite: true);
    }

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
