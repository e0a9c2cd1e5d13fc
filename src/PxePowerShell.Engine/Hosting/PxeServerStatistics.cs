using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Hosting;

/// <summary>The counters of an all-in-one <see cref="PxeServer"/>, one set per part (null for a part that does not run).</summary>
/// <param name="Dhcp">proxyDHCP or DHCP counters.</param>
/// <param name="Tftp">TFTP counters.</param>
/// <param name="Http">HTTP counters.</param>
public sealed record PxeServerStatistics(DhcpServerStatistics? Dhcp, TftpStatistics? Tftp, HttpStatistics? Http) : IPxeServiceStatistics;
