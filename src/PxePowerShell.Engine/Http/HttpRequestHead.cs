namespace PxePowerShell.Engine.Http;

/// <summary>The parts of a request head the boot server uses. Values are the raw header text (Latin-1).</summary>
internal sealed record HttpRequestHead
{
    /// <summary>The method token as sent.</summary>
    public required string Method { get; init; }

    /// <summary>How the method is treated.</summary>
    public required HttpMethodKind MethodKind { get; init; }

    /// <summary>The request-target as sent (origin-form or absolute-form).</summary>
    public required string Target { get; init; }

    /// <summary>The HTTP major version.</summary>
    public required int VersionMajor { get; init; }

    /// <summary>The HTTP minor version.</summary>
    public required int VersionMinor { get; init; }

    /// <summary>Whether the client wants the connection kept open (HTTP/1.1 default; HTTP/1.0 only with Connection: keep-alive).</summary>
    public required bool KeepAlive { get; init; }

    /// <summary>The Host header.</summary>
    public string? Host { get; init; }

    /// <summary>The Range header (null when absent or sent twice).</summary>
    public string? Range { get; init; }

    /// <summary>The If-Range header.</summary>
    public string? IfRange { get; init; }

    /// <summary>The If-Modified-Since header.</summary>
    public string? IfModifiedSince { get; init; }

    /// <summary>The If-Unmodified-Since header.</summary>
    public string? IfUnmodifiedSince { get; init; }

    /// <summary>The If-None-Match header (several fields joined with ", ").</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>The If-Match header (several fields joined with ", ").</summary>
    public string? IfMatch { get; init; }

    /// <summary>The request body length (Content-Length), 0 when absent.</summary>
    public long ContentLength { get; init; }

    /// <summary>True when the request carries a Transfer-Encoding (request bodies are not supported).</summary>
    public bool HasTransferEncoding { get; init; }
}
