using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>Who holds an IPv6 address of the pool, in what state, until when.</summary>
/// <param name="ClientId">The client DUID as hex; empty for a declined address.</param>
/// <param name="State">Offered, Active or Declined.</param>
/// <param name="Expiry">When the offer, lease or probation ends.</param>
internal sealed record Dhcp6Binding(string ClientId, AddressState State, DateTimeOffset Expiry);
