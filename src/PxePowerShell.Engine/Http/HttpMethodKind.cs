namespace PxePowerShell.Engine.Http;

/// <summary>How the server treats a request's method.</summary>
internal enum HttpMethodKind
{
    /// <summary>GET.</summary>
    Get,

    /// <summary>HEAD.</summary>
    Head,

    /// <summary>A standard method this read-only server does not allow (405 with Allow: GET, HEAD).</summary>
    NotAllowed,

    /// <summary>A method token the server does not know (501).</summary>
    Unknown,
}
