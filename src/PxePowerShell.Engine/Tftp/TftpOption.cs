namespace PxePowerShell.Engine.Tftp;

/// <summary>One option of a request or OACK (RFC 2347). Names compare case-insensitively.</summary>
/// <param name="Name">The option's name as sent.</param>
/// <param name="Value">The option's value as sent.</param>
internal sealed record TftpOption(string Name, string Value)
{
    /// <summary>True when this option is called <paramref name="name"/> (case-insensitive).</summary>
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}
