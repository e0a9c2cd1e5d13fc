using System.Text.Json;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The ISO mount table of one server (image paths are paths on that server) as a versioned document
/// <c>iso-mounts/&lt;server&gt;</c>, so a server started anywhere with the same name mounts its images again.
/// </summary>
public sealed class PostgresIsoMountStorage : IIsoMountStorage
{
    private readonly PostgresDocuments _documents;
    private readonly string _name;

    internal PostgresIsoMountStorage(PostgresStore store)
    {
        _documents = new PostgresDocuments(store);
        _name = "iso-mounts/" + store.ServerName;
        Location = $"postgresql: {store.Location} ({_name})";
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public IReadOnlyList<IsoMountConfiguration> Read()
    {
        if (_documents.Read(_name) is not var (body, _))
        {
            return [];
        }

        try
        {
            var rows = JsonSerializer.Deserialize<List<Row>>(body) ?? [];
            return [.. rows.Where(r => !string.IsNullOrEmpty(r.Path) && !string.IsNullOrEmpty(r.MountPoint))
                .Select(r => new IsoMountConfiguration(r.Path!, r.MountPoint!) { Servers = r.Servers ?? [] })];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Location} is not a mount list: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Write(IReadOnlyList<IsoMountConfiguration> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        _documents.Write(_name, JsonSerializer.Serialize(mounts.Select(m => new Row(m.Path, m.MountPoint, [.. m.Servers]))));
    }

    private sealed record Row(string? Path, string? MountPoint, string[]? Servers);
}
