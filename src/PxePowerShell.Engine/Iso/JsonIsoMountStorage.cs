using System.Text.Json;
using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Iso;

/// <summary>The embedded ISO mount storage: mounts.json, a JSON list of path, mount point and servers, replaced through a temporary file and a rename.</summary>
public sealed class JsonIsoMountStorage : IIsoMountStorage
{
    /// <summary>The storage in <paramref name="filePath"/> (a missing file is an empty list).</summary>
    public JsonIsoMountStorage(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = filePath;
    }

    /// <summary>The JSON file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public string Location => FilePath;

    /// <inheritdoc />
    public IReadOnlyList<IsoMountConfiguration> Read()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
            var saved = new List<IsoMountConfiguration>();
            foreach (var e in document.RootElement.EnumerateArray())
            {
                string path = e.GetProperty("Path").GetString() ?? string.Empty;
                string mountPoint = e.GetProperty("MountPoint").GetString() ?? string.Empty;
                if (path.Length == 0 || mountPoint.Length == 0)
                {
                    continue;
                }

                string[] servers = e.TryGetProperty("Servers", out var list) && list.ValueKind != JsonValueKind.Null
                    ? [.. list.EnumerateArray().Select(s => s.GetString() ?? string.Empty).Where(s => s.Trim().Length > 0)]
                    : [];
                saved.Add(new IsoMountConfiguration(path, mountPoint) { Servers = servers });
            }

            return saved;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{FilePath} is not a mount list: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Write(IReadOnlyList<IsoMountConfiguration> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        string temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(mounts.Select(m => new { m.Path, m.MountPoint, m.Servers }), new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, FilePath, overwrite: true);
    }
}
