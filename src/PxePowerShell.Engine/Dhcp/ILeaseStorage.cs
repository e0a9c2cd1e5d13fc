namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Where the leases of one address family live (the journal of a data directory embedded, a shared database
/// elsewhere): opens the <see cref="ILeaseStore"/> a running server writes through and reads what is stored for the
/// cmdlets that list leases of a stopped server. Implementations are safe to call from several threads.
/// </summary>
public interface ILeaseStorage
{
    /// <summary>Where the leases live, for messages (a directory, a database name); never a secret.</summary>
    string Location { get; }

    /// <summary>
    /// Opens the store one running server writes through; the caller owns it and disposes it when the server stops.
    /// An embedded store admits one open store per location at a time and throws <see cref="IOException"/> (a PxeStorageException with
    /// the id DataDirectoryInUse) for a second; a shared store admits one per server and arbitrates in <see cref="ILeaseStore"/>.
    /// </summary>
    ILeaseStore Open();

    /// <summary>What is stored now, read without opening for writing (a server may hold it open); empty when nothing is.</summary>
    LeaseStoreContents Read();
}
