namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>What ConvertFrom-PxeDnsmasqConfig returns: the equivalent server configuration and every line it could not translate.</summary>
/// <param name="Path">The main configuration file.</param>
/// <param name="Configuration">The configuration Start-PxeServer -ConfigurationPath accepts (Export-PxeConfiguration writes it).</param>
/// <param name="Warnings">Lines not translated (or translated with a caveat), with file and line; nothing is dropped silently.</param>
/// <param name="Files">Every file read (the main file and its conf-file/conf-dir includes).</param>
public sealed record DnsmasqConversion(string Path, PxeServerConfiguration Configuration, IReadOnlyList<DnsmasqWarning> Warnings, IReadOnlyList<string> Files);
