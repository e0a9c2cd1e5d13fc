namespace PxePowerShell.Engine.Dhcp;

/// <summary>What a lease store holds.</summary>
/// <param name="Leases">The leases.</param>
/// <param name="Reservations">Reservations added at run time.</param>
/// <param name="DiscardedRecords">Records that were torn or corrupt (a crash during a write) and were dropped.</param>
public sealed record LeaseStoreContents(IReadOnlyList<DhcpLease> Leases, IReadOnlyList<DhcpReservation> Reservations, int DiscardedRecords);
