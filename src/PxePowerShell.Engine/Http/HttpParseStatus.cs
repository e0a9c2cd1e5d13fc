namespace PxePowerShell.Engine.Http;

/// <summary>Where parsing a request head stands.</summary>
internal enum HttpParseStatus
{
    /// <summary>The head is not complete yet: read more bytes and call again.</summary>
    Incomplete,

    /// <summary>A whole head was parsed.</summary>
    Complete,

    /// <summary>The bytes are not an acceptable request; answer with the status code and close.</summary>
    Error,
}
