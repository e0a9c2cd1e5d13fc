namespace PxePowerShell.Engine.Http;

/// <summary>The outcome of <see cref="HttpRequestParser.Parse"/>.</summary>
/// <param name="Status">Incomplete, complete or an error.</param>
/// <param name="Consumed">Bytes of the buffer the head took (when complete).</param>
/// <param name="Head">The parsed head (when complete).</param>
/// <param name="StatusCode">The HTTP status to answer with (when an error): 400, 414, 431 or 505.</param>
/// <param name="Error">Why, in words (when an error).</param>
internal readonly record struct HttpParseResult(HttpParseStatus Status, int Consumed, HttpRequestHead? Head, int StatusCode, string? Error)
{
    /// <summary>Needs more bytes.</summary>
    public static HttpParseResult Incomplete => default;

    /// <summary>A refusal.</summary>
    public static HttpParseResult Fail(int statusCode, string error) => new(HttpParseStatus.Error, 0, null, statusCode, error);
}
