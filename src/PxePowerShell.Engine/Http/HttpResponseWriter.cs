using System.Buffers.Text;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// Formats a response head (status line and header fields, ASCII) into a caller's buffer without
/// allocating. Throws only when the buffer is too small, which the fixed-size heads this server writes never
/// reach.
/// </summary>
internal ref struct HttpResponseWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts writing at the beginning of <paramref name="buffer"/>.</summary>
    public HttpResponseWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The reason phrase for a status code.</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    };

    /// <summary>Writes "HTTP/1.1 code reason".</summary>
    public void StatusLine(int status)
    {
        Raw("HTTP/1.1 ");
        Number(status);
        Raw(" ");
        Raw(ReasonPhrase(status));
        Raw("\r\n");
    }

    /// <summary>Writes a header with a text value (ASCII; control and other characters become '?').</summary>
    public void Header(string name, string value)
    {
        Raw(name);
        Raw(": ");
        Write(value, sanitize: true);
        Raw("\r\n");
    }

    /// <summary>Writes a header with a number value.</summary>
    public void Header(string name, long value)
    {
        Raw(name);
        Raw(": ");
        Number(value);
        Raw("\r\n");
    }

    /// <summary>Writes "Content-Range: bytes first-last/length".</summary>
    public void ContentRange(long first, long last, long length)
    {
        Raw("Content-Range: bytes ");
        Number(first);
        Raw("-");
        Number(last);
        Raw("/");
        Number(length);
        Raw("\r\n");
    }

    /// <summary>Ends the head with an empty line.</summary>
    public void End() => Raw("\r\n");

    /// <summary>Writes text as it is (ASCII; CR and LF pass).</summary>
    public void Raw(string text) => Write(text, sanitize: false);

    private void Write(string text, bool sanitize)
    {
        var target = _buffer[_length..];
        if (text.Length > target.Length)
        {
            throw new InvalidOperationException("The response head does not fit its buffer.");
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            target[i] = c >= 0x80 || (sanitize && c < 0x20) ? (byte)'?' : (byte)c;
        }

        _length += text.Length;
    }

    /// <summary>Writes a decimal number.</summary>
    public void Number(long value)
    {
        if (!Utf8Formatter.TryFormat(value, _buffer[_length..], out int written))
        {
            throw new InvalidOperationException("The response head does not fit its buffer.");
        }

        _length += written;
    }
}
