using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The addresses of one scope and who holds them: allocation, offers, leases, quarantine and reservations,
/// written through to an <see cref="ILeaseStore"/> before a lease is acknowledged. Not thread-safe: the
/// <see cref="DhcpLeaseResponder"/> serializes access.
/// </summary>
internal sealed class LeasePool
{
    private readonly DhcpServerOptions _options;
    private readonly ILeaseStore? _store;
    private readonly uint _start;
    private readonly uint _end;
    private readonly uint _mask;
    private readonly Dictionary<uint, Entry> _byAddress = [];
    private readonly Dictionary<string, uint> _byClient = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _reservationByClient = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, DhcpReservation> _reservations = [];
    private readonly HashSet<uint> _excluded = [];
    private readonly Dictionary<string, HashSet<uint>> _declinedByClient = new(StringComparer.Ordinal);
    private uint _cursor;

    /// <summary>Creates the pool and loads the store's leases and reservations.</summary>
    public LeasePool(DhcpServerOptions options, ILeaseStore? store)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _store = store;
        _start = IPv4.ToUInt32(options.StartRange);
        _end = IPv4.ToUInt32(options.EndRange);
        _mask = IPv4.ToUInt32(options.SubnetMask);
        _cursor = _start;
        foreach (var r in options.Reservations)
        {
            AddReservationCore(r);
        }

        if (store is not null)
        {
            var contents = store.Load();
            Discarded = contents.DiscardedRecords;
            foreach (var r in contents.Reservations)
            {
                AddReservationCore(r);
            }

            foreach (var lease in contents.Leases)
            {
                uint a = IPv4.ToUInt32(lease.IPAddress);
                var e = new Entry(a, lease.ClientId, lease.HostName, lease.AddressState, lease.LeaseExpiryTime ?? DateTimeOffset.MinValue);
                Set(a, e);
                if (lease.AddressState == AddressState.Declined)
                {
                    continue; // on probation: the client named is the one that declined it
                }

                if (lease.ClientId.Length > 0)
                {
                    _byClient[lease.ClientId] = a;
                }
            }
        }
    }

    /// <summary>Torn or corrupt journal records dropped at load.</summary>
    public int Discarded { get; }

    /// <summary>The scope's network address.</summary>
    public uint Network => _start & _mask;

    /// <summary>Excludes an address (the server's own) from allocation.</summary>
    public void Exclude(IPAddress address) => _excluded.Add(IPv4.ToUInt32(address));

    /// <summary>True when the address is in the scope's subnet.</summary>
    public bool InSubnet(uint address) => (address & _mask) == (_start & _mask);

    /// <summary>The reservation of a client, or null.</summary>
    public uint? ReservationOf(string mac) => _reservationByClient.TryGetValue(mac, out uint a) ? a : null;

    /// <summary>The lease time for an address: its reservation's own LeaseDuration, else the scope's.</summary>
    public TimeSpan LeaseDurationOf(uint address) =>
        _reservations.TryGetValue(address, out var r) && r.LeaseDuration is { } own ? own : _options.LeaseDuration;

    /// <summary>True when the client may hold the address now: in the range (or reserved for it), not excluded, not someone else's.</summary>
    public bool IsAvailableFor(uint address, string mac, DateTimeOffset now)
    {
        if (_reservations.TryGetValue(address, out var r))
        {
            return r.MacAddress == mac;
        }

        if (ReservationOf(mac) is not null || address < _start || address > _end || _excluded.Contains(address) || !InSubnet(address))
        {
            return false;
        }

        if (!_byAddress.TryGetValue(address, out var e))
        {
            return true;
        }

        if (e.State == AddressState.Declined)
        {
            return now >= e.Expiry;
        }

        return e.ClientId == mac || e.State == AddressState.Expired || now >= e.Expiry;
    }

    /// <summary>Chooses an address for a DISCOVER: the reservation, the client's previous address, the requested one, then a free one (never-used first, then the longest expired). Null when the pool is exhausted.</summary>
    public uint? Choose(string mac, uint? requested, DateTimeOffset now)
    {
        if (ReservationOf(mac) is uint reserved)
        {
            return reserved;
        }

        if (_byClient.TryGetValue(mac, out uint previous) && IsAvailableFor(previous, mac, now))
        {
            return previous;
        }

        if (requested is uint want && IsAvailableFor(want, mac, now))
        {
            return want;
        }

        uint size = _end - _start + 1;
        uint? oldest = null;
        DateTimeOffset oldestExpiry = DateTimeOffset.MaxValue;
        for (uint i = 0; i < size; i++)
        {
            uint a = _start + ((_cursor - _start + i) % size);
            if (_excluded.Contains(a) || _reservations.ContainsKey(a))
            {
                continue;
            }

            if (!_byAddress.TryGetValue(a, out var e))
            {
                _cursor = a == _end ? _start : a + 1;
                return a;
            }

            if (IsAvailableFor(a, mac, now) && e.Expiry < oldestExpiry)
            {
                oldest = a;
                oldestExpiry = e.Expiry;
            }
        }

        return oldest;
    }

    /// <summary>Holds an address for a client that was offered it (kept in memory only).</summary>
    public void Offer(uint address, string mac, string? hostName, DateTimeOffset now)
    {
        if (_byAddress.TryGetValue(address, out var e) && e.ClientId == mac && e.State is AddressState.Active or AddressState.ActiveReservation && e.Expiry > now)
        {
            return; // already leased to this client: an offer must not shorten the lease.
        }

        Take(address, mac);
        Set(address, new Entry(address, mac, hostName, AddressState.Offered, now + _options.OfferHoldTime));
    }

    /// <summary>Leases an address; durable before it returns (throws when the store cannot write).</summary>
    public DhcpLease Commit(uint address, string mac, string? hostName, DateTimeOffset now)
    {
        var state = _reservations.ContainsKey(address) ? AddressState.ActiveReservation : AddressState.Active;
        var entry = new Entry(address, mac, hostName, state, now + LeaseDurationOf(address));
        var lease = entry.ToLease(Network, now);
        _store?.SaveLease(lease);
        Take(address, mac);
        Set(address, entry);
        return lease;
    }

    /// <summary>Takes in a lease a shared store allocated (<see cref="ILeaseAllocator"/>): memory only, the store has it already.</summary>
    public void Adopt(DhcpLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        uint address = IPv4.ToUInt32(lease.IPAddress);
        Take(address, lease.ClientId);
        Set(address, new Entry(address, lease.ClientId, lease.HostName, lease.AddressState, lease.LeaseExpiryTime ?? DateTimeOffset.MinValue));
    }

    /// <summary>
    /// How many addresses <paramref name="client"/> has on probation now (its declines that have not expired). Counted
    /// from the pool itself, so the count survives a restart with the journal.
    /// </summary>
    public int DeclinesOf(string client, DateTimeOffset now, out DateTimeOffset firstBack)
    {
        int count = 0;
        firstBack = DateTimeOffset.MaxValue;
        if (!_declinedByClient.TryGetValue(client, out var declined))
        {
            return 0; // the common case, answered without looking at the other leases (this runs for every DISCOVER)
        }

        foreach (uint a in declined)
        {
            var e = _byAddress[a];
            if (now < e.Expiry)
            {
                count++;
                if (e.Expiry < firstBack)
                {
                    firstBack = e.Expiry;
                }
            }
        }

        return count;
    }

    /// <summary>Puts a declined address on probation for <see cref="DhcpServerOptions.DeclineProbation"/>, naming the client that declined it.</summary>
    public void Decline(uint address, string client, DateTimeOffset now)
    {
        var entry = new Entry(address, client, null, AddressState.Declined, now + _options.DeclineProbation);
        _store?.SaveLease(entry.ToLease(Network, now));
        if (_byAddress.TryGetValue(address, out var old) && old.ClientId.Length > 0)
        {
            _byClient.Remove(old.ClientId);
        }

        Set(address, entry);
    }

    /// <summary>Ends a client's lease now (RELEASE); the client keeps its affinity to the address.</summary>
    public bool Release(uint address, string mac, DateTimeOffset now)
    {
        if (!_byAddress.TryGetValue(address, out var e) || e.ClientId != mac)
        {
            return false;
        }

        var entry = e with { State = AddressState.Expired, Expiry = now };
        _store?.SaveLease(entry.ToLease(Network, now));
        Set(address, entry);
        return true;
    }

    /// <summary>Drops an offer the client did not take.</summary>
    public void Forget(string mac)
    {
        if (_byClient.TryGetValue(mac, out uint a) && _byAddress.TryGetValue(a, out var e) && e.State == AddressState.Offered)
        {
            Unset(a);
            _byClient.Remove(mac);
        }
    }

    /// <summary>The current lease of an address held by the client, or null.</summary>
    public AddressState? StateOf(uint address, string mac) =>
        _byAddress.TryGetValue(address, out var e) && e.ClientId == mac ? e.State : null;

    /// <summary>Removes the lease of an address (Remove-PxeLease); false when there is none.</summary>
    public bool Remove(IPAddress address)
    {
        uint a = IPv4.ToUInt32(address);
        if (!_byAddress.TryGetValue(a, out var e))
        {
            return false;
        }

        Unset(a);
        _store?.DeleteLease(address);
        if (e.ClientId.Length > 0 && _byClient.TryGetValue(e.ClientId, out uint held) && held == a)
        {
            _byClient.Remove(e.ClientId);
        }

        return true;
    }

    /// <summary>Adds a reservation (Add-PxeReservation) and stores it.</summary>
    /// <exception cref="ArgumentException">The address is outside the subnet, or reserved for another client.</exception>
    public void AddReservation(DhcpReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        uint a = IPv4.ToUInt32(reservation.IPAddress);
        if (!InSubnet(a))
        {
            throw new ArgumentException($"The reservation {reservation.IPAddress} is outside the scope {IPv4.ToAddress(Network)}/{_options.SubnetMask}.", nameof(reservation));
        }

        if (_reservations.TryGetValue(a, out var existing) && existing.MacAddress != reservation.MacAddress)
        {
            throw new ArgumentException($"{reservation.IPAddress} is already reserved for {existing.MacAddress}.", nameof(reservation));
        }

        if (_byAddress.TryGetValue(a, out var e) && e.ClientId != reservation.MacAddress && e.State is AddressState.Active && e.Expiry > DateTimeOffset.MinValue)
        {
            throw new ArgumentException($"{reservation.IPAddress} is leased to {e.ClientId}; remove the lease first.", nameof(reservation));
        }

        _store?.SaveReservation(reservation);
        AddReservationCore(reservation);
    }

    /// <summary>
    /// Replaces the reservations with those of the options and <paramref name="stored"/> (a shared store's, after another
    /// server changed them): a lease on an address that is no longer reserved stays until it ends, as an ordinary lease.
    /// </summary>
    public void ReplaceReservations(IEnumerable<DhcpReservation> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _reservations.Clear();
        _reservationByClient.Clear();
        foreach (var r in _options.Reservations.Concat(stored))
        {
            AddReservationCore(r);
        }

        foreach (var (address, e) in _byAddress.ToList())
        {
            if (e.State == AddressState.ActiveReservation && !_reservations.ContainsKey(address))
            {
                Set(address, e with { State = AddressState.Active });
            }
        }
    }

    /// <summary>The reservations (from the options and added at run time), by address.</summary>
    public IReadOnlyList<DhcpReservation> Reservations =>
        [.. _reservations.OrderBy(r => r.Key).Select(r => r.Value)];

    /// <summary>
    /// Removes the reservation of <paramref name="address"/> and stores that; false when there is none. A lease the
    /// client holds on it stays until it ends, as an ordinary lease.
    /// </summary>
    public bool RemoveReservation(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        uint a = IPv4.ToUInt32(address);
        if (!_reservations.Remove(a, out var removed))
        {
            return false;
        }

        _store?.DeleteReservation(address);
        _reservationByClient.Remove(removed.MacAddress);
        if (_byAddress.TryGetValue(a, out var e) && e.State == AddressState.ActiveReservation)
        {
            Set(a, e with { State = AddressState.Active });
        }

        return true;
    }

    /// <summary>Every lease, offer, quarantined address and reservation, with states as of <paramref name="now"/>.</summary>
    public IReadOnlyList<DhcpLease> Snapshot(DateTimeOffset now)
    {
        var list = new List<DhcpLease>(_byAddress.Count + _reservations.Count);
        foreach (var e in _byAddress.Values)
        {
            if (e.State == AddressState.Offered && now >= e.Expiry)
            {
                continue;
            }

            list.Add(e.ToLease(Network, now));
        }

        foreach (var (a, r) in _reservations)
        {
            if (!_byAddress.TryGetValue(a, out var e) || e.ClientId != r.MacAddress || e.State != AddressState.ActiveReservation || now >= e.Expiry)
            {
                list.RemoveAll(l => IPv4.ToUInt32(l.IPAddress) == a);
                list.Add(new DhcpLease { IPAddress = IPv4.ToAddress(a), ScopeId = IPv4.ToAddress(Network), ClientId = r.MacAddress, HostName = r.Name, AddressState = AddressState.InactiveReservation });
            }
        }

        list.Sort((x, y) => IPv4.ToUInt32(x.IPAddress).CompareTo(IPv4.ToUInt32(y.IPAddress)));
        return list;
    }

    /// <summary>Records the entry of an address, keeping the index of declined addresses by client in step.</summary>
    private void Set(uint address, Entry entry)
    {
        Unset(address);
        _byAddress[address] = entry;
        if (entry.State == AddressState.Declined)
        {
            if (!_declinedByClient.TryGetValue(entry.ClientId, out var declined))
            {
                _declinedByClient[entry.ClientId] = declined = [];
            }

            declined.Add(address);
        }
    }

    /// <summary>Drops the entry of an address (and its place in the index of declined addresses).</summary>
    private void Unset(uint address)
    {
        if (_byAddress.Remove(address, out var old) && old.State == AddressState.Declined
            && _declinedByClient.TryGetValue(old.ClientId, out var declined) && declined.Remove(address) && declined.Count == 0)
        {
            _declinedByClient.Remove(old.ClientId);
        }
    }

    private void AddReservationCore(DhcpReservation r)
    {
        uint a = IPv4.ToUInt32(r.IPAddress);
        string mac = r.MacAddress;
        if (_reservationByClient.TryGetValue(mac, out uint old))
        {
            _reservations.Remove(old);
        }

        _reservations[a] = r with { ClientId = mac };
        _reservationByClient[mac] = a;
    }

    private void Take(uint address, string mac)
    {
        if (_byAddress.TryGetValue(address, out var old) && old.ClientId.Length > 0 && old.ClientId != mac
            && _byClient.TryGetValue(old.ClientId, out uint held) && held == address)
        {
            _byClient.Remove(old.ClientId);
        }

        if (_byClient.TryGetValue(mac, out uint previous) && previous != address
            && _byAddress.TryGetValue(previous, out var prev) && prev.State == AddressState.Offered)
        {
            Unset(previous);
        }

        _byClient[mac] = address;
    }

    private sealed record Entry(uint Address, string ClientId, string? HostName, AddressState State, DateTimeOffset Expiry)
    {
        public DhcpLease ToLease(uint network, DateTimeOffset now)
        {
            var state = State is AddressState.Active or AddressState.ActiveReservation && now >= Expiry ? AddressState.Expired : State;
            return new DhcpLease
            {
                IPAddress = IPv4.ToAddress(Address),
                ScopeId = IPv4.ToAddress(network),
                ClientId = ClientId,
                HostName = HostName,
                AddressState = state,
                LeaseExpiryTime = Expiry,
            };
        }
    }
}
