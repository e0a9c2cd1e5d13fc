using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// Start-PxeServer's configuration files: JSON read and written here, PowerShell data files (.psd1) written here and read
/// by the cmdlet (which has the PowerShell parser) into the same plain values. Both go through <see cref="PxeConfigurationValues"/>.
/// </summary>
public static class PxeConfigurationFile
{
    /// <summary>The largest configuration file read (a real one is a few KiB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>True when <paramref name="path"/> names a PowerShell data file.</summary>
    public static bool IsPowerShellDataFile(string path) =>
        string.Equals(Path.GetExtension(path), ".psd1", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a JSON configuration; relative paths in it resolve against the file's directory.</summary>
    /// <exception cref="PxeConfigurationException">The file is not valid JSON or holds a setting that cannot be used.</exception>
    public static PxeServerConfiguration ReadJson(string path)
    {
        string full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (info.Length > MaxFileBytes)
        {
            throw new PxeConfigurationException(string.Empty, $"{full} is {info.Length} bytes; a configuration file is at most {MaxFileBytes} bytes.");
        }

        return ParseJson(File.ReadAllText(full), Path.GetDirectoryName(full));
    }

    /// <summary>Parses a JSON configuration (one object whose properties are the settings).</summary>
    /// <exception cref="PxeConfigurationException">Not valid JSON, not an object, or a setting that cannot be used.</exception>
    public static PxeServerConfiguration ParseJson(string json, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new PxeConfigurationException(string.Empty, "A JSON configuration is one object, e.g. { \"Root\": \"/srv/tftp\", \"Http\": true }.");
            }

            return PxeConfigurationValues.FromValues((IDictionary)ToValue(document.RootElement)!, baseDirectory);
        }
        catch (JsonException ex)
        {
            throw new PxeConfigurationException(string.Empty, $"The JSON configuration is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    /// <summary>Writes <paramref name="configuration"/> as indented JSON.</summary>
    public static string ToJson(PxeServerConfiguration configuration)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteJson(writer, PxeConfigurationValues.ToValues(configuration));
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>Writes <paramref name="configuration"/> as a PowerShell data file (a hashtable literal).</summary>
    public static string ToPowerShellDataFile(PxeServerConfiguration configuration)
    {
        var text = new StringBuilder();
        text.AppendLine("# PxePowerShell server configuration: Start-PxeServer -ConfigurationPath <this file>");
        WritePsd1(text, PxeConfigurationValues.ToValues(configuration), 0);
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>Writes the configuration in the format the extension of <paramref name="path"/> names (.psd1, else JSON).</summary>
    public static string Format(PxeServerConfiguration configuration, string path) =>
        IsPowerShellDataFile(path) ? ToPowerShellDataFile(configuration) : ToJson(configuration);

    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(
            new Hashtable(StringComparer.OrdinalIgnoreCase),
            (table, p) =>
            {
                table[p.Name] = ToValue(p.Value);
                return table;
            }),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static void WriteJson(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case IEnumerable<KeyValuePair<string, object>> table:
                writer.WriteStartObject();
                foreach (var (key, item) in table)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case IEnumerable<object> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WritePsd1(StringBuilder text, object value, int depth)
    {
        string indent = new(' ', 4 * (depth + 1));
        switch (value)
        {
            case IEnumerable<KeyValuePair<string, object>> table:
                text.Append("@{");
                text.AppendLine();
                foreach (var (key, item) in table)
                {
                    text.Append(indent).Append(key).Append(" = ");
                    WritePsd1(text, item, depth + 1);
                    text.AppendLine();
                }

                text.Append(new string(' ', 4 * depth)).Append('}');
                break;
            case string s:
                text.Append('\'').Append(EscapeSingleQuoted(s)).Append('\'');
                break;
            case bool b:
                text.Append(b ? "$true" : "$false");
                break;
            case int i:
                text.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case IEnumerable<object> list:
                text.Append("@(");
                var items = list.ToList();
                if (items.Count > 0)
                {
                    text.AppendLine();
                    foreach (var item in items)
                    {
                        text.Append(indent);
                        WritePsd1(text, item, depth + 1);
                        text.AppendLine();
                    }

                    text.Append(new string(' ', 4 * depth));
                }

                text.Append(')');
                break;
            default:
                WritePsd1(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, depth);
                break;
        }
    }

    /// <summary>Doubles every character PowerShell takes as a single quote (', and the typographic ‘ ’ ‚ ‛).</summary>
    private static string EscapeSingleQuoted(string text)
    {
        var result = new StringBuilder(text.Length + 8);
        foreach (char ch in text)
        {
            result.Append(ch);
            if (ch is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
            {
                result.Append(ch);
            }
        }

        return result.ToString();
    }
}
