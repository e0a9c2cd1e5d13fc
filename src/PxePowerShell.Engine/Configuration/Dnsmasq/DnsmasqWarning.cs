namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>A line of the dnsmasq configuration that was not (or not fully) translated, and why.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The line number (0 for the configuration as a whole).</param>
/// <param name="Text">The setting as written ("key=value").</param>
/// <param name="Reason">Why it was not translated, or what was done instead.</param>
public sealed record DnsmasqWarning(string File, int Line, string Text, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Text}: {Reason}" : $"{File}: {Reason}";
}
