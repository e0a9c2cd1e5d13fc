using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>The embedded boot entry storage: one JSON file (<see cref="BootEntryFile"/>, boot-entries.json), rewritten atomically on every change.</summary>
public sealed class JsonBootEntryStorage : IBootEntryStorage
{
    /// <summary>The storage in <paramref name="filePath"/> (a missing file is an empty set).</summary>
    public JsonBootEntryStorage(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = Path.GetFullPath(filePath);
    }

    /// <summary>The JSON file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public string Location => FilePath;

    /// <inheritdoc />
    public object? Version
    {
        get
        {
            try
            {
                var info = new FileInfo(FilePath);
                return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    public BootConfiguration? Read()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var (settings, entries) = BootEntryFile.Read(FilePath, PxeErrorIds.StoreUnreadable);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.Name ?? string.Empty))
            {
                throw new BootEntryException(PxeErrorIds.StoreUnreadable, $"'{FilePath}' names the boot entry '{entry.Name}' twice; fix the file by hand.", entry.Name, FilePath);
            }
        }

        DateTimeOffset modified = default; // unknown: the store's clock stands in
        try
        {
            modified = new DateTimeOffset(File.GetLastWriteTimeUtc(FilePath), TimeSpan.Zero);
        }
        catch (IOException)
        {
        }

        return new BootConfiguration(settings, entries, modified);
    }

    /// <inheritdoc />
    public void Write(BootMenuSettings settings, ImmutableArray<BootEntry> entries) => BootEntryFile.Write(FilePath, settings, entries);
}
