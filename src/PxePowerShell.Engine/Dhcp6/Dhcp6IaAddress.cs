using System.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>An IA Address option (5) inside an IA_NA.</summary>
/// <param name="Address">The IPv6 address.</param>
/// <param name="PreferredLifetime">Preferred lifetime in seconds.</param>
/// <param name="ValidLifetime">Valid lifetime in seconds.</param>
internal sealed record Dhcp6IaAddress(IPAddress Address, uint PreferredLifetime, uint ValidLifetime);
