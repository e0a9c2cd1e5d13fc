namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>One setting of a dnsmasq configuration: key, value (null for flags), and where it was written.</summary>
/// <param name="Key">The option name without "--" ("dhcp-range").</param>
/// <param name="Value">The text after '=', or null.</param>
/// <param name="File">The file it came from.</param>
/// <param name="Line">Its line number (1-based).</param>
internal sealed record DnsmasqOption(string Key, string? Value, string File, int Line)
{
    /// <summary>"file:line" for messages.</summary>
    public string Where => $"{File}:{Line}";
}
