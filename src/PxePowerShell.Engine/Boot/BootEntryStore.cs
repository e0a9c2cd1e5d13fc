using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// The persistent set of boot entries: a JSON file (<see cref="BootEntryFile"/>) in the module's data directory, loaded
/// on construction and rewritten atomically after every change. Refuses invalid entries, duplicate names and a second
/// default for the same platform and clients with a <see cref="BootEntryException"/> carrying a stable ErrorId.
/// Thread-safe; readers take the immutable <see cref="Current"/> snapshot, which servers render menus from.
/// </summary>
public sealed class BootEntryStore
{
    /// <summary>The file name used in a data directory.</summary>
    public const string DefaultFileName = "boot-entries.json";

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private BootConfiguration _current;
    private readonly IBootEntryStorage _storage;
    private object? _stamp;

    /// <summary>Opens (or starts) the store in <paramref name="filePath"/>; a missing file is an empty set. Throws StoreUnreadable on a corrupt file (it is never overwritten).</summary>
    public BootEntryStore(string filePath, TimeProvider? timeProvider = null)
        : this(new JsonBootEntryStorage(filePath), timeProvider)
    {
    }

    /// <summary>Opens the store over <paramref name="storage"/>; nothing stored is an empty set. Throws StoreUnreadable when the stored set cannot be read (it is never overwritten).</summary>
    public BootEntryStore(IBootEntryStorage storage, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        FilePath = storage.Location;
        _time = timeProvider ?? TimeProvider.System;
        _current = ReadFromDisk();
    }

    /// <summary>Where the entries live (<see cref="IBootEntryStorage.Location"/>: the JSON file embedded).</summary>
    public string FilePath { get; }

    /// <summary>The storage underneath.</summary>
    public IBootEntryStorage Storage => _storage;

    /// <summary>The current snapshot (settings, entries, time of the last change).</summary>
    public BootConfiguration Current => Volatile.Read(ref _current);

    /// <summary>The entries, in stored order.</summary>
    public ImmutableArray<BootEntry> Entries => Current.Entries;

    /// <summary>Raised after every change, with the new snapshot.</summary>
    public event EventHandler<BootConfiguration>? Changed;

    /// <summary>The entry named <paramref name="name"/> (case-insensitive), or null.</summary>
    public BootEntry? Find(string name) => Current.Find(name);

    /// <summary>The entry named <paramref name="name"/>; throws EntryNotFound.</summary>
    public BootEntry Get(string name) => Find(name) ?? throw NotFound(name);

    /// <summary>Re-reads the file (after another process changed it). Throws StoreUnreadable when it cannot be read.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            Publish(ReadFromDisk());
        }
    }

    /// <summary>
    /// Re-reads the file when another process changed it since this store last read or wrote it (its time stamp or length
    /// differs), and returns the current snapshot. A file that cannot be read keeps the last good snapshot (servers go on
    /// serving) — use <see cref="Reload"/> to see the error. Cheap: one stat when nothing changed. Servers can render from
    /// <c>() =&gt; store.Refresh()</c> to pick up entries added by another PowerShell session.
    /// </summary>
    public BootConfiguration Refresh()
    {
        if (!StampChanged())
        {
            return Current;
        }

        lock (_gate)
        {
            if (StampChanged())
            {
                try
                {
                    Publish(ReadFromDisk());
                }
                catch (BootEntryException)
                {
                    // Keep serving the last good snapshot; the stamp stays stale so a fixed file is picked up.
                }
            }

            return Current;
        }
    }

    /// <summary>Adds <paramref name="entry"/> (normalized) and saves; returns the stored entry. Throws on invalid input, DuplicateName or DefaultConflict.</summary>
    public BootEntry Add(BootEntry entry)
    {
        var normalized = Check(entry);
        lock (_gate)
        {
            SyncLocked();
            var current = Current;
            if (current.Find(normalized.Name) is { } existing)
            {
                throw new BootEntryException(PxeErrorIds.DuplicateName, $"A boot entry named '{existing.Name}' exists already; choose another name or change it with Set-PxeBootEntry.", normalized.Name, normalized.Name);
            }

            CheckDefault(normalized, current.Entries);
            Commit(current.Settings, current.Entries.Add(normalized));
            return normalized;
        }
    }

    /// <summary>Replaces the entry with the same name (case-insensitive) by <paramref name="entry"/>; throws EntryNotFound, invalid input or DefaultConflict.</summary>
    public BootEntry Set(BootEntry entry)
    {
        var normalized = Check(entry); // an invalid entry is refused before its name is looked up
        return Update(normalized.Name, _ => normalized);
    }

    /// <summary>Changes the entry named <paramref name="name"/> with <paramref name="change"/> (which may rename it) and saves.</summary>
    public BootEntry Update(string name, Func<BootEntry, BootEntry> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            SyncLocked();
            var current = Current;
            int index = IndexOf(current.Entries, name);
            if (index < 0)
            {
                throw NotFound(name);
            }

            var normalized = Check(change(current.Entries[index]));
            var others = current.Entries.RemoveAt(index);
            if (IndexOf(others, normalized.Name) >= 0)
            {
                throw new BootEntryException(PxeErrorIds.DuplicateName, $"A boot entry named '{normalized.Name}' exists already.", normalized.Name, normalized.Name);
            }

            CheckDefault(normalized, others);
            Commit(current.Settings, current.Entries.SetItem(index, normalized));
            return normalized;
        }
    }

    /// <summary>Removes the entry named <paramref name="name"/> and saves; returns it. Throws EntryNotFound.</summary>
    public BootEntry Remove(string name)
    {
        lock (_gate)
        {
            SyncLocked();
            var current = Current;
            int index = IndexOf(current.Entries, name);
            if (index < 0)
            {
                throw NotFound(name);
            }

            var removed = current.Entries[index];
            Commit(current.Settings, current.Entries.RemoveAt(index));
            return removed;
        }
    }

    /// <summary>Changes the menu settings and saves.</summary>
    public void SetSettings(BootMenuSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (BootText.HasControl(settings.Title))
        {
            throw new BootEntryException(PxeErrorIds.InvalidCharacter, "The menu title contains a control character or line break.", target: settings.Title);
        }

        lock (_gate)
        {
            SyncLocked();
            Commit(settings, Current.Entries);
        }
    }

    /// <summary>
    /// Checks a whole set (as an import would add it) against the store without changing anything: shape errors, duplicate
    /// names inside the set, names that exist (unless <paramref name="overwrite"/>) and default conflicts. Throws the first problem.
    /// </summary>
    public ImmutableArray<BootEntry> CheckImport(IEnumerable<BootEntry> entries, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var incoming = entries.Select(Check).ToImmutableArray();
        var merged = Merge(Current.Entries, incoming, overwrite);
        for (int i = 0; i < merged.Length; i++)
        {
            CheckDefault(merged[i], merged.RemoveAt(i));
        }

        return incoming;
    }

    /// <summary>
    /// Imports the entries of a boot entry file: all or nothing. Existing names are refused (DuplicateName) unless
    /// <paramref name="overwrite"/>, which replaces them in place. Returns the imported entries.
    /// </summary>
    public ImmutableArray<BootEntry> Import(string path, bool overwrite = false)
    {
        var (_, entries) = BootEntryFile.Read(path, PxeErrorIds.ImportUnreadable);
        return ImportEntries(entries, overwrite);
    }

    /// <summary>Adds or replaces a set of entries, all or nothing (see <see cref="Import"/>).</summary>
    public ImmutableArray<BootEntry> ImportEntries(IEnumerable<BootEntry> entries, bool overwrite = false)
    {
        lock (_gate)
        {
            SyncLocked();
            var incoming = CheckImport(entries, overwrite);
            Commit(Current.Settings, Merge(Current.Entries, incoming, overwrite));
            return incoming;
        }
    }

    /// <summary>Writes the named entries (all when <paramref name="names"/> is null) and the menu settings to a file; returns the entries written.</summary>
    public ImmutableArray<BootEntry> Export(string path, IEnumerable<string>? names = null)
    {
        var current = Current;
        ImmutableArray<BootEntry> chosen;
        if (names is null)
        {
            chosen = current.Entries;
        }
        else
        {
            var builder = ImmutableArray.CreateBuilder<BootEntry>();
            foreach (var name in names)
            {
                builder.Add(current.Find(name) ?? throw NotFound(name));
            }

            chosen = builder.ToImmutable();
        }

        BootEntryFile.Write(path, current.Settings, chosen);
        return chosen;
    }

    /// <summary>
    /// True when two entries would both be the default in some menu: both defaults, sharing a platform and a loader, and
    /// aimed at the same clients (both untargeted, or sharing a MAC address or UUID).
    /// </summary>
    public static bool DefaultsConflict(BootEntry a, BootEntry b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.IsDefault || !b.IsDefault || (a.Architecture & b.Architecture) == 0 || (a.Loader & b.Loader) == 0)
        {
            return false;
        }

        if (!a.IsTargeted && !b.IsTargeted)
        {
            return true;
        }

        return a.MacAddresses.Intersect(b.MacAddresses, StringComparer.OrdinalIgnoreCase).Any()
            || a.Uuids.Intersect(b.Uuids, StringComparer.OrdinalIgnoreCase).Any();
    }

    private static ImmutableArray<BootEntry> Merge(ImmutableArray<BootEntry> existing, ImmutableArray<BootEntry> incoming, bool overwrite)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in incoming)
        {
            if (!seen.Add(entry.Name))
            {
                throw new BootEntryException(PxeErrorIds.DuplicateName, $"The set names '{entry.Name}' twice.", entry.Name, entry.Name);
            }
        }

        var result = existing;
        foreach (var entry in incoming)
        {
            int index = IndexOf(result, entry.Name);
            if (index >= 0 && !overwrite)
            {
                throw new BootEntryException(PxeErrorIds.DuplicateName, $"A boot entry named '{entry.Name}' exists already; use -Force to replace it.", entry.Name, entry.Name);
            }

            result = index >= 0 ? result.SetItem(index, entry) : result.Add(entry);
        }

        return result;
    }

    private static BootEntry Check(BootEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var normalized = BootEntryFile.Normalize(entry);
        foreach (var issue in BootEntryValidator.CheckShape(normalized))
        {
            if (issue.Severity == BootIssueSeverity.Error)
            {
                throw new BootEntryException(issue);
            }
        }

        return normalized;
    }

    private static void CheckDefault(BootEntry entry, ImmutableArray<BootEntry> others)
    {
        foreach (var other in others)
        {
            if (DefaultsConflict(entry, other))
            {
                var shared = entry.Architecture & other.Architecture;
                throw new BootEntryException(
                    PxeErrorIds.DefaultConflict,
                    $"'{other.Name}' is already the default for {shared}; clear it first (Set-PxeBootEntry {other.Name} -IsDefault:$false) or narrow -Architecture.",
                    entry.Name,
                    other.Name);
            }
        }
    }

    private static int IndexOf(ImmutableArray<BootEntry> entries, string name)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static BootEntryException NotFound(string name) =>
        new(PxeErrorIds.EntryNotFound, $"There is no boot entry named '{name}'; Get-PxeBootEntry lists them.", name, name);

    private void Commit(BootMenuSettings settings, ImmutableArray<BootEntry> entries)
    {
        _storage.Write(settings, entries);
        _stamp = _storage.Version;
        Publish(new BootConfiguration(settings, entries, _time.GetUtcNow()));
    }

    /// <summary>Before a change: take in what another process wrote, so its changes are not lost (throws when the file is unreadable).</summary>
    private void SyncLocked()
    {
        if (StampChanged())
        {
            Publish(ReadFromDisk());
        }
    }

    private bool StampChanged() => !Equals(_storage.Version, _stamp);

    private void Publish(BootConfiguration configuration)
    {
        Volatile.Write(ref _current, configuration);
        Changed?.Invoke(this, configuration);
    }

    private BootConfiguration ReadFromDisk()
    {
        var stamp = _storage.Version;
        var stored = _storage.Read();
        _stamp = stamp; // only once the set read well: a broken one is read (and refused) again next time
        if (stored is null)
        {
            return BootConfiguration.Empty with { LastModified = _time.GetUtcNow() };
        }

        return stored.LastModified == default ? stored with { LastModified = _time.GetUtcNow() } : stored;
    }
}
