using System.Diagnostics.CodeAnalysis;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// A request path that is safe to resolve inside a boot namespace: relative, '/'-separated,
/// with no empty, "." or ".." segments. This is the one path sanitizer shared by TFTP and HTTP.
/// </summary>
/// <remarks>
/// A leading '/' names the namespace root (as tftpd-hpa -s and dnsmasq do), so "/pxelinux.0" and
/// "pxelinux.0" are the same file. Everything that could climb out of the root or be read
/// differently by another layer is refused: ".." segments, backslashes, drive letters, NUL and
/// control characters, and percent-escapes that decode to any of these.
/// </remarks>
public readonly struct BootPath : IEquatable<BootPath>
{
    /// <summary>Longest request path accepted (bytes of UTF-16 text).</summary>
    public const int MaxLength = 1024;

    private readonly string? _value;

    private BootPath(string value) => _value = value;

    /// <summary>The root of the namespace (empty path).</summary>
    public static BootPath Root => new(string.Empty);

    /// <summary>The normalized relative path, without a leading '/'; empty for the root.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for the namespace root.</summary>
    public bool IsRoot => Value.Length == 0;

    /// <summary>The path's segments.</summary>
    public string[] Segments => IsRoot ? [] : Value.Split('/');

    /// <summary>The last segment (file name), or empty for the root.</summary>
    public string FileName => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Parses a client's path. Returns false with a reason when the path is refused.</summary>
    public static bool TryParse(string? raw, out BootPath path, [NotNullWhen(false)] out string? reason)
    {
        path = default;
        if (raw is null)
        {
            reason = "the path is missing";
            return false;
        }

        if (raw.Length > MaxLength)
        {
            reason = $"the path is longer than {MaxLength} characters";
            return false;
        }

        foreach (char c in raw)
        {
            if (c == '\0' || char.IsControl(c))
            {
                reason = "the path contains a NUL or control character";
                return false;
            }

            if (c == '\\')
            {
                reason = "the path contains a backslash";
                return false;
            }
        }

        if (raw.Length >= 2 && char.IsAsciiLetter(raw[0]) && raw[1] == ':')
        {
            reason = "the path names a drive";
            return false;
        }

        if (raw.StartsWith("//", StringComparison.Ordinal))
        {
            reason = "the path names a network share";
            return false;
        }

        string trimmed = raw.TrimStart('/');
        if (trimmed.Length == 0)
        {
            path = Root;
            reason = null;
            return true;
        }

        var segments = trimmed.Split('/');
        var kept = new List<string>(segments.Length);
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment.Length == 0)
            {
                // "a//b" and a trailing "/" are harmless; collapse them.
                continue;
            }

            if (!IsSafeSegment(segment, out reason))
            {
                return false;
            }

            if (segment == ".")
            {
                continue;
            }

            kept.Add(segment);
        }

        path = new BootPath(string.Join('/', kept));
        reason = null;
        return true;
    }

    /// <summary>Parses a path that is known to be safe (configuration, tests); throws when it is not.</summary>
    public static BootPath Parse(string raw) =>
        TryParse(raw, out var path, out var reason) ? path : throw new ArgumentException($"'{raw}' is not a safe boot path: {reason}.", nameof(raw));

    /// <summary>True when this path is <paramref name="prefix"/> or lies below it.</summary>
    public bool StartsWith(BootPath prefix)
    {
        if (prefix.IsRoot)
        {
            return true;
        }

        return Value.Equals(prefix.Value, StringComparison.Ordinal)
            || (Value.Length > prefix.Value.Length
                && Value.StartsWith(prefix.Value, StringComparison.Ordinal)
                && Value[prefix.Value.Length] == '/');
    }

    /// <summary>The part of this path below <paramref name="prefix"/> (which it must start with).</summary>
    public BootPath RelativeTo(BootPath prefix)
    {
        if (!StartsWith(prefix))
        {
            throw new ArgumentException($"'{Value}' does not lie below '{prefix.Value}'.", nameof(prefix));
        }

        return prefix.IsRoot ? this : new BootPath(Value.Length == prefix.Value.Length ? string.Empty : Value[(prefix.Value.Length + 1)..]);
    }

    /// <summary>Joins a safe child path below this one.</summary>
    public BootPath Combine(BootPath child) =>
        IsRoot ? child : child.IsRoot ? this : new BootPath(Value + "/" + child.Value);

    private static bool IsSafeSegment(string segment, [NotNullWhen(false)] out string? reason)
    {
        if (segment == "..")
        {
            reason = "the path climbs above the root with '..'";
            return false;
        }

        if (segment.Contains('%'))
        {
            // A literal file name never needs an escape here; a decoded escape that forms '..', '/',
            // '\' or NUL is an attempt to confuse one layer or another.
            string decoded = Uri.UnescapeDataString(segment);
            if (decoded != segment
                && (decoded.Contains("..", StringComparison.Ordinal) || decoded.Contains('/') || decoded.Contains('\\') || decoded.Contains('\0')))
            {
                reason = "the path hides '..', a separator or NUL behind percent-escapes";
                return false;
            }
        }

        if (segment.Length == 2 && char.IsAsciiLetter(segment[0]) && segment[1] == ':')
        {
            reason = "the path names a drive";
            return false;
        }

        reason = null;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(BootPath other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BootPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The normalized path.</summary>
    public override string ToString() => Value;

    /// <summary>Equality.</summary>
    public static bool operator ==(BootPath left, BootPath right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BootPath left, BootPath right) => !left.Equals(right);
}
