namespace PxePowerShell.Engine.Dhcp;

/// <summary>The boot file (or URL) chosen for a client, or why there is none.</summary>
/// <param name="BootFile">The TFTP file name or http(s) URL, or null.</param>
/// <param name="IsHttp">True when <paramref name="BootFile"/> is a URL for an HTTP-boot client (reply with option 60 HTTPClient).</param>
/// <param name="Reason">Why there is no boot file, or how it was chosen.</param>
internal sealed record BootDecision(string? BootFile, bool IsHttp, string Reason);
