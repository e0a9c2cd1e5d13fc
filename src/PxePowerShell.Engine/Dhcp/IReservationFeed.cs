namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// A lease store shared by several servers that says when the reservations may have changed under a running server
/// (another server added or removed one, or the store was unreachable and changes may have been missed), so that the
/// server takes them in at once instead of at its next start: the reserved address, its name and its own lease time.
/// A DHCP server whose <see cref="ILeaseStore"/> implements this re-reads <see cref="ReadReservations"/> on every
/// <see cref="ReservationsChanged"/>.
/// </summary>
public interface IReservationFeed
{
    /// <summary>Raised on a thread of the store (never the caller's) when the stored reservations may differ from what was read last.</summary>
    event EventHandler? ReservationsChanged;

    /// <summary>The stored reservations now; throws an <see cref="IOException"/> (the engine's PxeStorageException) when the store cannot be read.</summary>
    IReadOnlyList<DhcpReservation> ReadReservations();
}
