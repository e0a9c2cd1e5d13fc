using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// Turns a request-target into the path handed to <see cref="Files.BootPath.TryParse"/>: the authority of an
/// absolute-form target is dropped, the query is split off, and the path is percent-decoded exactly once
/// (as UTF-8). Whatever the decoded text holds ("..", "\", NUL, a second layer of escapes) is judged by
/// BootPath, the one sanitizer.
/// </summary>
internal static class HttpTarget
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="target"/>; false with a reason for a target that is not a usable path (400).</summary>
    public static bool TryDecode(string target, [NotNullWhen(true)] out string? path, out string? query, [NotNullWhen(false)] out string? error)
    {
        path = null;
        query = null;
        string rest = target;
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            int authority = rest.IndexOf("//", StringComparison.Ordinal) + 2;
            int slash = rest.IndexOfAny(['/', '?'], authority);
            rest = slash < 0 ? "/" : rest[slash] == '?' ? "/" + rest[slash..] : rest[slash..];
        }

        if (rest.Length == 0 || rest[0] != '/')
        {
            error = "the request target is not an absolute path";
            return false;
        }

        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        int question = rest.IndexOf('?');
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        if (!rest.Contains('%'))
        {
            path = rest;
            error = null;
            return true;
        }

        var bytes = new byte[rest.Length];
        int n = 0;
        for (int i = 0; i < rest.Length; i++)
        {
            char c = rest[i];
            if (c == '%')
            {
                if (i + 2 >= rest.Length || !char.IsAsciiHexDigit(rest[i + 1]) || !char.IsAsciiHexDigit(rest[i + 2]))
                {
                    error = "the path holds a malformed percent-escape";
                    return false;
                }

                bytes[n++] = (byte)((HexValue(rest[i + 1]) << 4) | HexValue(rest[i + 2]));
                i += 2;
            }
            else
            {
                bytes[n++] = (byte)c;
            }
        }

        try
        {
            path = StrictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            error = "the decoded path is not valid UTF-8";
            return false;
        }

        error = null;
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
