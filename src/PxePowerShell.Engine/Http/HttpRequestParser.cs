using System.Text;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// Parses HTTP/1.x request heads (request line + header fields) from a connection's receive buffer.
/// Incremental: call <see cref="Parse"/> each time more bytes arrive; the bytes already searched for the
/// end of the head are not searched again. Never throws on bad input: it answers with a status code
/// (400 malformed, 414 request line too long, 431 head too large, 505 not HTTP/1.x). Leading empty lines
/// are skipped and bare LF line ends are accepted (RFC 9112 §2.2); obs-fold, whitespace before a colon,
/// stray CR and control characters are refused.
/// </summary>
internal sealed class HttpRequestParser
{
    /// <summary>Longest request line accepted (further capped by the head limit).</summary>
    public const int MaxRequestLineBytes = 8192;

    private readonly int _maxHeaderBytes;
    private readonly int _maxRequestLine;
    private int _scanned;

    /// <summary>Creates a parser that refuses heads longer than <paramref name="maxHeaderBytes"/>.</summary>
    public HttpRequestParser(int maxHeaderBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaderBytes, 64);
        _maxHeaderBytes = maxHeaderBytes;
        _maxRequestLine = Math.Min(MaxRequestLineBytes, maxHeaderBytes);
    }

    /// <summary>Forgets the scan position; call after a head was consumed or refused.</summary>
    public void Reset() => _scanned = 0;

    /// <summary>
    /// Looks for a whole request head at the start of <paramref name="data"/> (the unconsumed bytes of the
    /// receive buffer, which must start at the same place as on the previous call until a reset).
    /// </summary>
    public HttpParseResult Parse(ReadOnlySpan<byte> data)
    {
        int start = 0;
        while (start < data.Length && (data[start] == (byte)'\r' || data[start] == (byte)'\n'))
        {
            start++;
        }

        if (start > _maxHeaderBytes)
        {
            return HttpParseResult.Fail(400, "too many empty lines before the request");
        }

        int from = Math.Max(start, _scanned - 3);
        int end = FindEndOfHead(data, from);
        if (end < 0)
        {
            _scanned = data.Length;
            int lineEnd = data[start..].IndexOf((byte)'\n');

            // Refuse at once what can never become an HTTP/1.x request (binary garbage, a TLS ClientHello, an HTTP/0.9
            // request line) instead of waiting for the header timeout. This verdict comes before the size limits, here
            // and once the head is whole, so that a request decides the same however its bytes arrive.
            var early = lineEnd < 0 ? CheckRequestLinePrefix(data[start..]) : ParseRequestLine(TrimCr(data.Slice(start, lineEnd)), out _, out _, out _, out _);
            if (early is { } refused)
            {
                return refused;
            }

            if ((lineEnd < 0 && data.Length - start > _maxRequestLine) || lineEnd > _maxRequestLine)
            {
                return HttpParseResult.Fail(414, "the request line is too long");
            }

            return data.Length - start > _maxHeaderBytes
                ? HttpParseResult.Fail(431, "the request header fields are too large")
                : HttpParseResult.Incomplete;
        }

        var head = data[start..end];
        int firstLineEnd = head.IndexOf((byte)'\n');
        if (ParseRequestLine(TrimCr(head[..firstLineEnd]), out var method, out var target, out int major, out int minor) is { } malformed)
        {
            return malformed;
        }

        if (firstLineEnd > _maxRequestLine)
        {
            return HttpParseResult.Fail(414, "the request line is too long");
        }

        if (head.Length > _maxHeaderBytes)
        {
            return HttpParseResult.Fail(431, "the request header fields are too large");
        }

        var result = ParseFields(head[(firstLineEnd + 1)..], method, target, major, minor);
        return result.Status == HttpParseStatus.Complete ? result with { Consumed = end } : result;
    }

    /// <summary>The index just past the empty line that ends the head, or -1.</summary>
    private static int FindEndOfHead(ReadOnlySpan<byte> data, int from)
    {
        int i = from;
        while (i < data.Length)
        {
            int lf = data[i..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return -1;
            }

            i += lf;
            if (i + 1 < data.Length && data[i + 1] == (byte)'\n')
            {
                return i + 2;
            }

            if (i + 2 < data.Length && data[i + 1] == (byte)'\r' && data[i + 2] == (byte)'\n')
            {
                return i + 3;
            }

            i++;
        }

        return -1;
    }

    /// <summary>No method is longer (the longest registered ones have 17 letters): a longer first word is not HTTP.</summary>
    private const int LongestMethod = 32;

    /// <summary>
    /// Judges the first bytes of a request line that has not ended yet: null while they can still begin
    /// "method SP target SP HTTP/1.x", else the failure to answer now.
    /// </summary>
    private static HttpParseResult? CheckRequestLinePrefix(ReadOnlySpan<byte> line)
    {
        int sp1 = line.IndexOf((byte)' ');
        var method = sp1 < 0 ? line : line[..sp1];
        if (sp1 == 0 || (method.Length > 0 && !IsToken(method)) || method.Length > LongestMethod)
        {
            return HttpParseResult.Fail(400, "this is not an HTTP request");
        }

        if (sp1 < 0)
        {
            return null;
        }

        var afterMethod = line[(sp1 + 1)..];
        int sp2 = afterMethod.IndexOf((byte)' ');
        var target = sp2 < 0 ? afterMethod : afterMethod[..sp2];
        foreach (byte b in target)
        {
            if (b is < 0x20 or >= 0x7F)
            {
                return HttpParseResult.Fail(400, "the request target holds a space, control or non-ASCII byte");
            }
        }

        if (sp2 == 0)
        {
            return HttpParseResult.Fail(400, "the request line is malformed");
        }

        if (sp2 > 0)
        {
            var version = afterMethod[(sp2 + 1)..];
            var expected = "HTTP/"u8;
            int n = Math.Min(version.Length, expected.Length);
            if (!version[..n].SequenceEqual(expected[..n]))
            {
                return HttpParseResult.Fail(400, "the HTTP version is malformed");
            }
        }

        return null;
    }

    /// <summary>Parses "method SP target SP HTTP/1.x" (without its line end); null when it is well-formed, else the failure.</summary>
    private static HttpParseResult? ParseRequestLine(ReadOnlySpan<byte> requestLine, out ReadOnlySpan<byte> method, out ReadOnlySpan<byte> target, out int major, out int minor)
    {
        method = target = default;
        major = minor = 0;
        int sp1 = requestLine.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return HttpParseResult.Fail(400, "the request line is malformed");
        }

        method = requestLine[..sp1];
        if (method.Length > LongestMethod)
        {
            return HttpParseResult.Fail(400, "this is not an HTTP request");
        }

        var afterMethod = requestLine[(sp1 + 1)..];
        int sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return HttpParseResult.Fail(400, sp2 < 0 && IsToken(method) ? "HTTP/0.9 requests are not supported; send HTTP/1.0 or HTTP/1.1" : "the request line is malformed");
        }

        target = afterMethod[..sp2];
        var version = afterMethod[(sp2 + 1)..];
        if (!IsToken(method))
        {
            return HttpParseResult.Fail(400, "the method is not a token");
        }

        foreach (byte b in target)
        {
            if (b is <= 0x20 or >= 0x7F)
            {
                return HttpParseResult.Fail(400, "the request target holds a space, control or non-ASCII byte");
            }
        }

        if (version.Length != 8 || !version[..5].SequenceEqual("HTTP/"u8) || version[6] != (byte)'.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
        {
            return HttpParseResult.Fail(400, "the HTTP version is malformed");
        }

        major = version[5] - '0';
        minor = version[7] - '0';
        return major != 1 ? HttpParseResult.Fail(505, "only HTTP/1.0 and HTTP/1.1 are supported") : null;
    }

    /// <summary>Parses the header fields that follow a well-formed request line (parsed once, by <see cref="Parse"/>).</summary>
    private static HttpParseResult ParseFields(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, int major, int minor)
    {
        int lf;
        string? host = null;
        string? range = null;
        bool rangeTwice = false;
        string? ifRange = null;
        string? ifModifiedSince = null;
        string? ifUnmodifiedSince = null;
        string? ifNoneMatch = null;
        string? ifMatch = null;
        long contentLength = -1;
        bool transferEncoding = false;
        bool close = false;
        bool keepAliveToken = false;

        while (rest.Length > 0)
        {
            lf = rest.IndexOf((byte)'\n');
            var line = TrimCr(rest[..lf]);
            rest = rest[(lf + 1)..];
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                return HttpParseResult.Fail(400, "obsolete header line folding is not accepted");
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return HttpParseResult.Fail(400, "a header line has no name or colon");
            }

            var name = line[..colon];
            if (!IsToken(name))
            {
                return HttpParseResult.Fail(400, "a header name is not a token");
            }

            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (byte b in value)
            {
                if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
                {
                    return HttpParseResult.Fail(400, "a header value holds a control character");
                }
            }

            switch (name.Length)
            {
                case 4 when Ascii.EqualsIgnoreCase(name, "host"u8):
                    if (host is not null)
                    {
                        return HttpParseResult.Fail(400, "more than one Host header");
                    }

                    host = Latin1(value);
                    break;
                case 5 when Ascii.EqualsIgnoreCase(name, "range"u8):
                    rangeTwice = range is not null;
                    range = Latin1(value);
                    break;
                case 8 when Ascii.EqualsIgnoreCase(name, "if-range"u8):
                    ifRange = Latin1(value);
                    break;
                case 8 when Ascii.EqualsIgnoreCase(name, "if-match"u8):
                    ifMatch = ifMatch is null ? Latin1(value) : ifMatch + ", " + Latin1(value);
                    break;
                case 10 when Ascii.EqualsIgnoreCase(name, "connection"u8):
                    ReadConnection(value, ref close, ref keepAliveToken);
                    break;
                case 13 when Ascii.EqualsIgnoreCase(name, "if-none-match"u8):
                    ifNoneMatch = ifNoneMatch is null ? Latin1(value) : ifNoneMatch + ", " + Latin1(value);
                    break;
                case 14 when Ascii.EqualsIgnoreCase(name, "content-length"u8):
                    if (!TryParseLength(value, out long length) || (contentLength >= 0 && contentLength != length))
                    {
                        return HttpParseResult.Fail(400, "the Content-Length is malformed");
                    }

                    contentLength = length;
                    break;
                case 17 when Ascii.EqualsIgnoreCase(name, "if-modified-since"u8):
                    ifModifiedSince = Latin1(value);
                    break;
                case 17 when Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8):
                    transferEncoding = true;
                    break;
                case 19 when Ascii.EqualsIgnoreCase(name, "if-unmodified-since"u8):
                    ifUnmodifiedSince = Latin1(value);
                    break;
            }
        }

        if (transferEncoding && contentLength >= 0)
        {
            return HttpParseResult.Fail(400, "both Transfer-Encoding and Content-Length");
        }

        var parsed = new HttpRequestHead
        {
            Method = Encoding.ASCII.GetString(method),
            MethodKind = ClassifyMethod(method),
            Target = Encoding.ASCII.GetString(target),
            VersionMajor = major,
            VersionMinor = minor,
            KeepAlive = !close && (minor >= 1 || keepAliveToken),
            Host = host,
            Range = rangeTwice ? null : range,
            IfRange = ifRange,
            IfModifiedSince = ifModifiedSince,
            IfUnmodifiedSince = ifUnmodifiedSince,
            IfNoneMatch = ifNoneMatch,
            IfMatch = ifMatch,
            ContentLength = Math.Max(contentLength, 0),
            HasTransferEncoding = transferEncoding,
        };
        return new HttpParseResult(HttpParseStatus.Complete, 0, parsed, 0, null);
    }

    private static HttpMethodKind ClassifyMethod(ReadOnlySpan<byte> method)
    {
        if (method.SequenceEqual("GET"u8))
        {
            return HttpMethodKind.Get;
        }

        if (method.SequenceEqual("HEAD"u8))
        {
            return HttpMethodKind.Head;
        }

        return method.SequenceEqual("POST"u8) || method.SequenceEqual("PUT"u8) || method.SequenceEqual("DELETE"u8)
            || method.SequenceEqual("OPTIONS"u8) || method.SequenceEqual("PATCH"u8) || method.SequenceEqual("TRACE"u8)
            || method.SequenceEqual("CONNECT"u8)
            ? HttpMethodKind.NotAllowed
            : HttpMethodKind.Unknown;
    }

    private static void ReadConnection(ReadOnlySpan<byte> value, ref bool close, ref bool keepAlive)
    {
        while (value.Length > 0)
        {
            int comma = value.IndexOf((byte)',');
            var token = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(token, "close"u8))
            {
                close = true;
            }
            else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
            {
                keepAlive = true;
            }

            value = comma < 0 ? default : value[(comma + 1)..];
        }
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.Length is 0 or > 18)
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (byte b in text)
        {
            bool ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static string Latin1(ReadOnlySpan<byte> value) => Encoding.Latin1.GetString(value);
}
