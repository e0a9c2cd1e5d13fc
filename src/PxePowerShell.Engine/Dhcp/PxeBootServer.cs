using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Boot servers for one boot server type (option 43 sub-option 8).</summary>
/// <param name="Type">Boot server type.</param>
/// <param name="Addresses">The servers' IPv4 addresses.</param>
internal sealed record PxeBootServer(ushort Type, IReadOnlyList<IPAddress> Addresses);
