using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// The JSON file format of boot entries (the store's file, and the files of Export-/Import-PxeBootEntry):
/// <c>{ "version": 1, "settings": { "title", "timeoutSeconds", "prompt" }, "entries": [ { "name", "label", "kind", … } ] }</c>,
/// indented, camelCase, enums as names ("architecture": "Bios, EfiX64"). Unknown properties are ignored.
/// Writes are atomic: a temporary file in the same directory is flushed to disk and renamed over the target.
/// </summary>
public static class BootEntryFile
{
    /// <summary>The format version written.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes a setup to the file format.</summary>
    public static string Serialize(BootMenuSettings settings, IEnumerable<BootEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(entries);
        var document = new FileDocument
        {
            Version = CurrentVersion,
            Settings = new FileSettings { Title = settings.Title, TimeoutSeconds = settings.Timeout.TotalSeconds, Prompt = settings.Prompt },
            Entries = [.. entries],
        };
        return JsonSerializer.Serialize(document, Options) + "\n";
    }

    /// <summary>
    /// Parses the file format. Throws <see cref="BootEntryException"/> with <paramref name="errorId"/> when the text is not
    /// valid JSON of this format or has a newer version. Entries are not validated here.
    /// </summary>
    public static (BootMenuSettings Settings, ImmutableArray<BootEntry> Entries) Deserialize(string json, string errorId = PxeErrorIds.ImportUnreadable, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FileDocument>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new BootEntryException(errorId, $"{source ?? "The boot entry file"} is not a valid boot entry file: {ex.Message}", target: source, innerException: ex);
        }

        if (document is null)
        {
            throw new BootEntryException(errorId, $"{source ?? "The boot entry file"} is empty.", target: source);
        }

        if (document.Version > CurrentVersion)
        {
            throw new BootEntryException(errorId, $"{source ?? "The boot entry file"} has format version {document.Version}; this module reads up to {CurrentVersion}. Update PxePowerShell.", target: source);
        }

        var settings = new BootMenuSettings();
        if (document.Settings is { } s)
        {
            settings = settings with
            {
                Title = s.Title ?? settings.Title,
                Timeout = s.TimeoutSeconds is { } seconds && double.IsFinite(seconds) && seconds >= 0 && seconds < 86400 ? TimeSpan.FromSeconds(seconds) : settings.Timeout,
                Prompt = s.Prompt ?? settings.Prompt,
            };
        }

        var entries = ImmutableArray.CreateBuilder<BootEntry>();
        foreach (var entry in document.Entries ?? [])
        {
            if (entry is null)
            {
                throw new BootEntryException(errorId, $"{source ?? "The boot entry file"} holds a null entry.", target: source);
            }

            entries.Add(Normalize(entry));
        }

        return (settings, entries.ToImmutable());
    }

    /// <summary>Reads and parses a file (see <see cref="Deserialize"/>).</summary>
    public static (BootMenuSettings Settings, ImmutableArray<BootEntry> Entries) Read(string path, string errorId = PxeErrorIds.ImportUnreadable)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            json = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BootEntryException(errorId, $"Cannot read '{path}': {ex.Message}", target: path, innerException: ex);
        }

        return Deserialize(json, errorId, $"'{path}'");
    }

    /// <summary>Writes a setup to <paramref name="path"/> atomically (temporary file, flush, rename), creating the directory.</summary>
    public static void Write(string path, BootMenuSettings settings, IEnumerable<BootEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Serialize(settings, entries));
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// The canonical form of an entry: null lists made empty, MAC addresses and UUIDs normalized (values that do not parse
    /// are kept for the validator to report) and de-duplicated, label and arguments trimmed.
    /// </summary>
    public static BootEntry Normalize(BootEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var macs = new List<string>();
        foreach (var mac in entry.MacAddresses ?? [])
        {
            string value = BootEntry.TryNormalizeMacAddress(mac, out var normalized) ? normalized : mac;
            if (!macs.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                macs.Add(value);
            }
        }

        var uuids = new List<string>();
        foreach (var uuid in entry.Uuids ?? [])
        {
            string value = BootEntry.TryNormalizeUuid(uuid, out var normalized) ? normalized : uuid;
            if (!uuids.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                uuids.Add(value);
            }
        }

        return entry with
        {
            Name = entry.Name?.Trim() ?? string.Empty,
            Label = string.IsNullOrWhiteSpace(entry.Label) ? null : entry.Label.Trim(),
            HelpText = string.IsNullOrWhiteSpace(entry.HelpText) ? null : entry.HelpText.TrimEnd(),
            Arguments = string.IsNullOrWhiteSpace(entry.Arguments) ? null : entry.Arguments.Trim(),
            Kernel = string.IsNullOrWhiteSpace(entry.Kernel) ? null : entry.Kernel.Trim(),
            ChainTarget = string.IsNullOrWhiteSpace(entry.ChainTarget) ? null : entry.ChainTarget.Trim(),
            ConfigPath = string.IsNullOrWhiteSpace(entry.ConfigPath) ? null : entry.ConfigPath.Trim(),
            Initrd = [.. (entry.Initrd ?? []).Where(i => i is not null).Select(i => i.Trim())],
            Modules = [.. (entry.Modules ?? []).Where(m => m is not null).Select(m => m with { Path = m.Path?.Trim()!, Arguments = string.IsNullOrWhiteSpace(m.Arguments) ? null : m.Arguments.Trim() })],
            MacAddresses = macs,
            Uuids = uuids,
        };
    }

    private sealed class FileDocument
    {
        public int Version { get; set; }

        public FileSettings? Settings { get; set; }

        public List<BootEntry>? Entries { get; set; }
    }

    private sealed class FileSettings
    {
        public string? Title { get; set; }

        public double? TimeoutSeconds { get; set; }

        public bool? Prompt { get; set; }
    }
}
