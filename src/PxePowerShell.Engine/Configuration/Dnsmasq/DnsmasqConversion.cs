using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>What ConvertFrom-PxeDnsmasqConfig returns: the equivalent server configuration and every line it could not translate.</summary>
/// <param name="Path">The main configuration file.</param>
/// <param name="Configuration">The configuration Start-PxeServer -ConfigurationPath accepts (Export-PxeConfiguration writes it).</param>
/// <param name="Warnings">Lines not translated (or translated with a caveat), with file and line; nothing is dropped silently.</param>
/// <param name="Files">Every file read (the main file and its conf-file/conf-dir includes).</param>
/// <param name="BootEntries">
/// The boot entries the tftp-root's pxelinux.cfg/default implies (its LABELs, translated); empty when the root has none.
/// They pipe into New-PxeBootEntry.
/// </param>
public sealed record DnsmasqConversion(string Path, PxeServerConfiguration Configuration, IReadOnlyList<DnsmasqWarning> Warnings, IReadOnlyList<string> Files, IReadOnlyList<BootEntry> BootEntries);
