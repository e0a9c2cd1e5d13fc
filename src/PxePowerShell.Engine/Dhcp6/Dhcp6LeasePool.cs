using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// The IPv6 addresses of one range and which client (DUID) holds them: offers, leases, probation of declined
/// addresses; a lease is written through to an <see cref="ILeaseStore"/> (the same journal as DHCPv4, in its own
/// directory) before the Reply that grants it. One address per client DUID. A store that allocates itself
/// (<see cref="ILeaseAllocator"/>, a database several servers share) chooses and records every address of a client
/// without a reservation in one transaction, as for DHCPv4; this pool then only mirrors what it gave. Not thread-safe:
/// the responder serializes.
/// </summary>
internal sealed class Dhcp6LeasePool
{
    private const int ScanLimit = 65536;
    private static readonly TimeSpan OfferTime = TimeSpan.FromMinutes(2);
    private readonly Dhcp6ServerOptions _options;
    private readonly ILeaseStore? _store;
    private readonly ILeaseAllocator? _allocator;
    private readonly UInt128 _start;
    private readonly UInt128 _end;
    private readonly Dictionary<UInt128, Dhcp6Binding> _byAddress = [];
    private readonly Dictionary<string, UInt128> _byClient = new(StringComparer.Ordinal);
    private readonly HashSet<UInt128> _excluded = [];
    private readonly Dictionary<string, uint> _iaids = new(StringComparer.Ordinal);
    private readonly HashSet<UInt128> _reserved = [];
    private readonly List<Dhcp6Reservation> _reservations = [];
    private readonly Dictionary<string, int> _declines = new(StringComparer.Ordinal);
    private UInt128 _cursor;

    /// <summary>Creates the pool over a range and loads the store's leases.</summary>
    public Dhcp6LeasePool(Dhcp6ServerOptions options, ILeaseStore? store)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0 || options.StartRange is null || options.EndRange is null)
        {
            throw new ArgumentException(errors.Count > 0 ? string.Join(" ", errors) : "A lease pool needs an IPv6 range.", nameof(options));
        }

        _options = options;
        _store = store;
        _allocator = store as ILeaseAllocator; // a shared store allocates in its own transaction (several servers, one pool)
        _start = Dhcp6Addresses.ToUInt128(options.StartRange);
        _end = Dhcp6Addresses.ToUInt128(options.EndRange);
        _cursor = _start;
        ScopeId = Dhcp6Addresses.FromUInt128(_start & ~(UInt128.MaxValue >> options.PrefixLength));
        var stored = store?.Load();
        if (stored is { } contents)
        {
            Discarded = contents.DiscardedRecords;
            foreach (var lease in contents.Leases)
            {
                var a = Dhcp6Addresses.ToUInt128(lease.IPAddress);
                _byAddress[a] = new Dhcp6Binding(lease.ClientId, lease.AddressState, lease.LeaseExpiryTime ?? DateTimeOffset.MinValue);
                if (lease.ClientId.Length > 0 && lease.AddressState == AddressState.Declined)
                {
                    _declines[lease.ClientId] = _declines.GetValueOrDefault(lease.ClientId) + 1;
                }
                else if (lease.ClientId.Length > 0)
                {
                    _byClient[lease.ClientId] = a;
                }
            }
        }

        SetReservations(stored?.Reservations ?? []);
    }

    /// <summary>Torn or corrupt journal records dropped at load.</summary>
    public int Discarded { get; }

    /// <summary>The prefix of the range (the leases' scope).</summary>
    public IPAddress ScopeId { get; }

    /// <summary>Keeps an address (the server's own) out of allocation.</summary>
    public void Exclude(IPAddress address) => _excluded.Add(Dhcp6Addresses.ToUInt128(address));

    /// <summary>True when the address is on the segment's prefix.</summary>
    public bool OnLink(IPAddress address) => Dhcp6Addresses.SamePrefix(address, _options.StartRange!, _options.PrefixLength);

    /// <summary>The address the client holds or was offered, if any.</summary>
    public IPAddress? AddressOf(string duid) => _byClient.TryGetValue(duid, out var a) ? Dhcp6Addresses.FromUInt128(a) : null;

    /// <summary>An address for the client: its current one, the one it hints at, then a never-used one, then the longest expired; null when none is free.</summary>
    public IPAddress? Choose(string duid, IPAddress? hint, DateTimeOffset now)
    {
        if (OnProbation(duid, now) >= _options.DeclineLimit)
        {
            return null; // a client that declined DeclineLimit addresses gets no more until their probation ends
        }

        if (ReservedFor(duid) is { } reserved)
        {
            // A reserved client gets its address (or nothing while another client still holds it).
            return IsAvailableFor(reserved, duid, now) ? Dhcp6Addresses.FromUInt128(reserved) : null;
        }

        if (_allocator is not null)
        {
            return Allocate(duid, hint, now, OfferTime, AddressState.Offered)?.IPAddress;
        }

        if (_byClient.TryGetValue(duid, out var previous) && IsAvailableFor(previous, duid, now))
        {
            return Dhcp6Addresses.FromUInt128(previous);
        }

        if (hint is not null && IsAvailableFor(Dhcp6Addresses.ToUInt128(hint), duid, now))
        {
            return hint;
        }

        UInt128 size = _end - _start + 1;
        UInt128 scan = size < ScanLimit ? size : ScanLimit;
        UInt128? expired = null;
        var oldest = DateTimeOffset.MaxValue;
        for (UInt128 i = 0; i < scan; i++)
        {
            var a = _cursor;
            _cursor = _cursor >= _end ? _start : _cursor + 1;
            if (_excluded.Contains(a) || _reserved.Contains(a))
            {
                continue;
            }

            if (!_byAddress.TryGetValue(a, out var b))
            {
                return Dhcp6Addresses.FromUInt128(a);
            }

            if (IsAvailableFor(a, duid, now) && b.Expiry < oldest)
            {
                (expired, oldest) = (a, b.Expiry);
            }
        }

        return expired is { } e ? Dhcp6Addresses.FromUInt128(e) : null;
    }

    /// <summary>Holds an address for the client for a short while (an Advertise); not persisted.</summary>
    public void Offer(string duid, IPAddress address, DateTimeOffset now, uint? iaid = null)
    {
        NoteIaid(duid, iaid);
        var a = Dhcp6Addresses.ToUInt128(address);
        if (_byAddress.TryGetValue(a, out var b) && b.State == AddressState.Active && b.ClientId == duid)
        {
            return; // an offer never shortens a lease the client already holds
        }

        Bind(a, duid, AddressState.Offered, now + OfferTime, persist: false);
    }

    /// <summary>Grants (or extends) the client's lease on the address; null when the address is not available to it.</summary>
    public DhcpLease? Commit(string duid, IPAddress address, DateTimeOffset now, uint? iaid = null)
    {
        NoteIaid(duid, iaid);
        if (_allocator is not null && ReservedFor(duid) is null)
        {
            return Granted(duid, address, now);
        }

        var a = ReservedFor(duid) ?? Dhcp6Addresses.ToUInt128(address); // a reserved client gets its address whatever it asks
        return IsAvailableFor(a, duid, now) ? Bind(a, duid, AddressState.Active, now + _options.LeaseDuration, persist: true) : null;
    }

    /// <summary>Extends the client's existing lease on the address (Renew, Rebind); null when it holds no such lease.</summary>
    public DhcpLease? Extend(string duid, IPAddress address, DateTimeOffset now, uint? iaid = null)
    {
        NoteIaid(duid, iaid);
        if (_allocator is not null && ReservedFor(duid) is null)
        {
            return Granted(duid, address, now); // the database knows whether the client still holds it
        }

        var a = Dhcp6Addresses.ToUInt128(address);
        return _byAddress.TryGetValue(a, out var b) && b.ClientId == duid && b.State is AddressState.Active or AddressState.Offered && now < b.Expiry
            ? Bind(a, duid, AddressState.Active, now + _options.LeaseDuration, persist: true)
            : null;
    }

    /// <summary>Ends the client's lease on the address; false when it held none.</summary>
    public bool Release(string duid, IPAddress address)
    {
        var a = Dhcp6Addresses.ToUInt128(address);
        if (!_byAddress.TryGetValue(a, out var b) || b.ClientId != duid || b.State == AddressState.Declined)
        {
            return false;
        }

        _byAddress.Remove(a);
        _byClient.Remove(duid);
        _iaids.Remove(duid);
        _store?.DeleteLease(Dhcp6Addresses.FromUInt128(a));
        return true;
    }

    /// <summary>Takes a declined address out of use for the probation time; false when the client did not hold it.</summary>
    public bool Decline(string duid, IPAddress address, DateTimeOffset now)
    {
        var a = Dhcp6Addresses.ToUInt128(address);
        if (!_byAddress.TryGetValue(a, out var b) || b.ClientId != duid || b.State == AddressState.Declined)
        {
            return false;
        }

        _byClient.Remove(duid);
        _iaids.Remove(duid);
        // The decliner is kept on the address (also in the journal), so DeclineLimit holds across a restart.
        _declines[duid] = _declines.GetValueOrDefault(duid) + 1;
        Bind(a, duid, AddressState.Declined, now + _options.DeclineProbation, persist: true);
        return true;
    }

    /// <summary>Every known address, expired ones marked so.</summary>
    public IReadOnlyList<DhcpLease> GetLeases(DateTimeOffset now)
    {
        var list = new List<DhcpLease>(_byAddress.Count);
        foreach (var (a, b) in _byAddress)
        {
            var state = b.State != AddressState.Declined && now >= b.Expiry ? AddressState.Expired : b.State;
            list.Add(ToLease(a, b with { State = state }));
        }

        list.Sort(static (x, y) => Dhcp6Addresses.ToUInt128(x.IPAddress).CompareTo(Dhcp6Addresses.ToUInt128(y.IPAddress)));
        return list;
    }

    /// <summary>The IPv6 view of every known address: DUID, the MAC inside it, the IAID last seen.</summary>
    public IReadOnlyList<Dhcp6Lease> GetLeases6(DateTimeOffset now)
    {
        var leases = GetLeases(now);
        var list = new List<Dhcp6Lease>(leases.Count);
        foreach (var lease in leases)
        {
            list.Add(Dhcp6Lease.From(lease, lease.ClientId.Length > 0 && _iaids.TryGetValue(lease.ClientId, out var iaid) ? iaid : null));
        }

        return list;
    }

    /// <summary>The reservations (from the options, the store and added at run time), by address.</summary>
    public IReadOnlyList<Dhcp6Reservation> Reservations =>
        [.. _reservations.OrderBy(r => Dhcp6Addresses.ToUInt128(r.IPAddress))];

    /// <summary>
    /// Adds a reservation (Add-PxeReservation) and stores it; one of the same client (DUID, or MAC) elsewhere moves here.
    /// As for DHCPv4, an address another client holds in an active lease is refused until that lease is removed.
    /// </summary>
    /// <exception cref="ArgumentException">The address is off the range's prefix, the server's own, reserved for another client, or leased to one.</exception>
    public void AddReservation(Dhcp6Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var a = Dhcp6Addresses.ToUInt128(reservation.IPAddress);
        if (!OnLink(reservation.IPAddress))
        {
            throw new ArgumentException($"The reservation {reservation.IPAddress} is outside the prefix {ScopeId}/{_options.PrefixLength} of the range.", nameof(reservation));
        }

        if (_excluded.Contains(a))
        {
            throw new ArgumentException($"{reservation.IPAddress} is an address of this server.", nameof(reservation));
        }

        if (_reservations.Find(r => Dhcp6Addresses.ToUInt128(r.IPAddress) == a) is { } existing && !SameClient(existing, reservation))
        {
            throw new ArgumentException($"{reservation.IPAddress} is already reserved for {existing.Duid ?? existing.MacAddress}.", nameof(reservation));
        }

        if (_byAddress.TryGetValue(a, out var b) && b.State == AddressState.Active && b.ClientId.Length > 0
            && !reservation.Matches(b.ClientId, Dhcp6Duid.TryParse(b.ClientId, out var bytes) ? Dhcp6Duid.MacAddressOf(bytes) : null))
        {
            throw new ArgumentException($"{reservation.IPAddress} is leased to {b.ClientId}; remove the lease first.", nameof(reservation));
        }

        foreach (var moved in _reservations.FindAll(r => Dhcp6Addresses.ToUInt128(r.IPAddress) != a && SameClient(r, reservation)))
        {
            _store?.DeleteReservation(moved.IPAddress); // the client's reservation moves: its old row goes
        }

        _store?.SaveReservation(reservation.ToStored());
        _reservations.RemoveAll(r => Dhcp6Addresses.ToUInt128(r.IPAddress) == a || SameClient(r, reservation));
        _reservations.Add(reservation);
        Reindex();
    }

    /// <summary>
    /// Removes the reservation of <paramref name="address"/> and stores that; false when there is none. A lease the
    /// client holds on it stays until it ends, as an ordinary lease.
    /// </summary>
    public bool RemoveReservation(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = Dhcp6Addresses.ToUInt128(address);
        int i = _reservations.FindIndex(r => Dhcp6Addresses.ToUInt128(r.IPAddress) == a);
        if (i < 0)
        {
            return false;
        }

        _store?.DeleteReservation(_reservations[i].IPAddress);
        _reservations.RemoveAt(i);
        Reindex();
        return true;
    }

    /// <summary>Replaces the reservations with those of the options and <paramref name="stored"/> (a shared store's, after another server changed them).</summary>
    public void SetReservations(IEnumerable<DhcpReservation> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _reservations.Clear();
        _reservations.AddRange(_options.Reservations);
        foreach (var row in stored)
        {
            if (Dhcp6Reservation.FromStored(row) is { } r)
            {
                var a = Dhcp6Addresses.ToUInt128(r.IPAddress);
                _reservations.RemoveAll(o => Dhcp6Addresses.ToUInt128(o.IPAddress) == a || SameClient(o, r));
                _reservations.Add(r);
            }
        }

        Reindex();
    }

    /// <summary>Removes the lease (or offer, or probation) of an address and stores that (Remove-PxeLease); false when it has none.</summary>
    public bool RemoveLease(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = Dhcp6Addresses.ToUInt128(address);
        if (!_byAddress.Remove(a, out var b))
        {
            return false;
        }

        if (b.ClientId.Length > 0 && _byClient.TryGetValue(b.ClientId, out var held) && held == a)
        {
            _byClient.Remove(b.ClientId);
            _iaids.Remove(b.ClientId);
        }

        _store?.DeleteLease(Dhcp6Addresses.FromUInt128(a));
        return true;
    }

    private static bool SameClient(Dhcp6Reservation x, Dhcp6Reservation y) =>
        (x.Duid is not null && string.Equals(x.Duid, y.Duid, StringComparison.OrdinalIgnoreCase))
        || (x.MacAddress is not null && string.Equals(x.MacAddress, y.MacAddress, StringComparison.OrdinalIgnoreCase));

    private void Reindex()
    {
        _reserved.Clear();
        foreach (var r in _reservations)
        {
            _reserved.Add(Dhcp6Addresses.ToUInt128(r.IPAddress));
        }
    }

    /// <summary>The lease of <paramref name="address"/> for the client from the shared store; null when the store gave it another address, or none.</summary>
    private DhcpLease? Granted(string duid, IPAddress address, DateTimeOffset now)
    {
        var a = Dhcp6Addresses.ToUInt128(address);
        if (a < _start || a > _end || _excluded.Contains(a) || _reserved.Contains(a))
        {
            return null;
        }

        var lease = Allocate(duid, address, now, _options.LeaseDuration, AddressState.Active);
        return lease is not null && lease.IPAddress.Equals(address) ? lease : null;
    }

    /// <summary>
    /// One allocation in the shared store's transaction, mirrored here (memory only: the store has it already, and the
    /// client's previous address was freed in the same transaction, so nothing is deleted from here).
    /// </summary>
    private DhcpLease? Allocate(string duid, IPAddress? hint, DateTimeOffset now, TimeSpan duration, AddressState state)
    {
        var prefix = ~(UInt128.MaxValue >> _options.PrefixLength);
        var range = new LeaseRange(ScopeId, Dhcp6Addresses.FromUInt128(prefix), _options.StartRange!, _options.EndRange!, [.. _excluded.Concat(_reserved).Select(Dhcp6Addresses.FromUInt128)]);
        var lease = _allocator!.TryAllocate(range, duid, null, hint, now, duration, state);
        if (lease is null)
        {
            return null;
        }

        var a = Dhcp6Addresses.ToUInt128(lease.IPAddress);
        if (_byClient.TryGetValue(duid, out var old) && old != a && _byAddress.TryGetValue(old, out var previous) && previous.ClientId == duid)
        {
            _byAddress.Remove(old);
        }

        if (_byAddress.TryGetValue(a, out var displaced) && displaced.ClientId != duid && _byClient.TryGetValue(displaced.ClientId, out var held) && held == a)
        {
            _byClient.Remove(displaced.ClientId);
        }

        _byAddress[a] = new Dhcp6Binding(duid, lease.AddressState, lease.LeaseExpiryTime ?? DateTimeOffset.MinValue);
        _byClient[duid] = a;
        return lease;
    }

    /// <summary>How many addresses the client declined whose probation has not ended.</summary>
    private int OnProbation(string duid, DateTimeOffset now)
    {
        if (!_declines.TryGetValue(duid, out int count) || count == 0)
        {
            return 0;
        }

        int live = 0;
        foreach (var b in _byAddress.Values)
        {
            if (b.State == AddressState.Declined && now < b.Expiry && b.ClientId == duid)
            {
                live++;
            }
        }

        if (live == 0)
        {
            _declines.Remove(duid);
        }
        else
        {
            _declines[duid] = live;
        }

        return live;
    }

    private void NoteIaid(string duid, uint? iaid)
    {
        if (iaid is { } i && duid.Length > 0)
        {
            _iaids[duid] = i;
        }
    }

    /// <summary>The address reserved for the client (by its DUID, or the MAC in a DUID-LL/LLT), if any.</summary>
    private UInt128? ReservedFor(string duid)
    {
        if (_reservations.Count == 0)
        {
            return null;
        }

        string? mac = Dhcp6Duid.TryParse(duid, out var bytes) ? Dhcp6Duid.MacAddressOf(bytes) : null;
        foreach (var r in _reservations)
        {
            if (r.Matches(duid, mac))
            {
                return Dhcp6Addresses.ToUInt128(r.IPAddress);
            }
        }

        return null;
    }

    private bool IsAvailableFor(UInt128 a, string duid, DateTimeOffset now)
    {
        bool own = _reserved.Count > 0 && ReservedFor(duid) == a;
        if (_excluded.Contains(a) || (!own && (a < _start || a > _end || _reserved.Contains(a))))
        {
            return false;
        }

        if (!_byAddress.TryGetValue(a, out var b))
        {
            return true;
        }

        return b.State == AddressState.Declined ? now >= b.Expiry : b.ClientId == duid || now >= b.Expiry;
    }

    private DhcpLease Bind(UInt128 a, string duid, AddressState state, DateTimeOffset expiry, bool persist)
    {
        if (duid.Length > 0 && _byClient.TryGetValue(duid, out var old) && old != a && _byAddress.TryGetValue(old, out var previous) && previous.ClientId == duid
            && previous.State != AddressState.Declined)
        {
            _byAddress.Remove(old);
            _store?.DeleteLease(Dhcp6Addresses.FromUInt128(old));
        }

        if (_byAddress.TryGetValue(a, out var displaced) && displaced.ClientId.Length > 0 && displaced.ClientId != duid
            && _byClient.TryGetValue(displaced.ClientId, out var held) && held == a)
        {
            _byClient.Remove(displaced.ClientId);
        }

        var binding = new Dhcp6Binding(duid, state, expiry);
        _byAddress[a] = binding;
        if (duid.Length > 0 && state != AddressState.Declined)
        {
            _byClient[duid] = a;
        }

        var lease = ToLease(a, binding);
        if (persist)
        {
            _store?.SaveLease(lease);
        }

        return lease;
    }

    private DhcpLease ToLease(UInt128 a, Dhcp6Binding b) => new()
    {
        IPAddress = Dhcp6Addresses.FromUInt128(a),
        ScopeId = ScopeId,
        ClientId = b.ClientId,
        AddressState = b.State,
        LeaseExpiryTime = b.Expiry,
    };
}
