using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// Leases and reservations in PostgreSQL, shared by every server of the database. <see cref="TryAllocate"/> chooses and
/// writes an address in one transaction: one row per address (its primary key), at most one address per client and
/// scope (a partial unique index), free rows taken with <c>FOR UPDATE SKIP LOCKED</c>, so two servers allocating at the
/// same moment never get the same address and never give one client two. Disposing it closes the database only when
/// it was opened for it (<see cref="PostgresLeaseStorage.Connect"/>). <see cref="SaveLease"/> (the embedded pool's write-through) refuses to overwrite a lease another
/// client holds unexpired (<see cref="StoreErrorIds.LeaseHeld"/>), so even a server that chose in memory never acknowledges
/// an address twice.
/// </summary>
public sealed class PostgresLeaseStore : ILeaseStore, ILeaseAllocator, IReservationFeed, IHaHeartbeatStore
{
    /// <summary>The name every change of <c>pxe_reservation</c> is announced with on <c>pxe_changed</c>.</summary>
    internal const string ReservationsChannelName = "reservations";

    private const string NotifyReservationsSql = "SELECT pg_notify('pxe_changed', 'reservations')";

    private const string Columns = "host(address), host(scope), client_id, host_name, state, expiry";

    // Migration 6: the whole allocation (reservation, own row, requested, next free after $13, lowest free, longest expired) in one call.
    private const string AllocateSql = "SELECT * FROM pxe_allocate($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    private const string ClearClientSql = """
        UPDATE pxe_lease SET client_id = NULL, host_name = NULL, state = 'Free', expiry = NULL, server = $3, updated = now()
        WHERE scope = $1 AND client_id = $2 AND state <> 'Declined' AND address <> $4
        """;

    private const string UpsertSql = """
        INSERT INTO pxe_lease AS l (address, scope, client_id, host_name, state, expiry, server) VALUES ($4, $1, $2, $5, $6, $7, $3)
        ON CONFLICT (address) DO UPDATE SET scope = $1, client_id = $2, host_name = $5, state = $6, expiry = $7, server = $3, updated = now()
        """;

    private const string Returning = " RETURNING host(address), host(scope), client_id, host_name, state, expiry";

    // A lease another client holds unexpired (by the database's clock, the fleet's one arbiter) is not overwritten.
    private const string UnlessHeldSql = UpsertSql + """
         WHERE l.client_id IS NULL OR l.client_id = $2 OR l.state IN ('Free', 'Expired') OR l.expiry <= now() OR $6 IN ('Declined', 'Expired')
        """ + Returning;

    private readonly PostgresStore _store;
    private readonly int _family;
    private readonly ConcurrentDictionary<(IPAddress, IPAddress), bool> _ranges = new();
    private readonly ConcurrentDictionary<(IPAddress, IPAddress), IPAddress> _last = new(); // per range: the address given last

    private readonly bool _owned;
    private readonly object _feedGate = new();
    private readonly object _rangeGate = new();
    private EventHandler? _reservationsChanged;

    internal PostgresLeaseStore(PostgresStore store, LeaseFamily family, bool owned = false)
    {
        _store = store;
        _owned = owned;
        _family = family == LeaseFamily.IPv6 ? 6 : 4;
    }

    /// <inheritdoc />
    public LeaseStoreContents Load() => _store.Transact("read the leases", (c, tx) =>
    {
        var leases = new List<DhcpLease>();
        using (var cmd = new NpgsqlCommand($"SELECT {Columns} FROM pxe_lease WHERE client_id IS NOT NULL AND family(address) = {_family} ORDER BY address", c, tx))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                leases.Add(ReadLease(reader));
            }
        }

        return new LeaseStoreContents(leases, Reservations(c, tx), 0);
    });

    /// <summary>
    /// Raised (on the store's listener thread) when another server, or this one, changed the reservations, and after
    /// the listener reconnected to a database it lost; the first subscriber starts the store's LISTEN.
    /// </summary>
    public event EventHandler? ReservationsChanged
    {
        add
        {
            lock (_feedGate)
            {
                if (_reservationsChanged is null)
                {
                    _store.Changes.Changed += OnStoreChanged;
                }

                _reservationsChanged += value;
            }

            _store.Changes.Start();
        }

        remove
        {
            lock (_feedGate)
            {
                _reservationsChanged -= value;
                if (_reservationsChanged is null)
                {
                    _store.Changes.Changed -= OnStoreChanged;
                }
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DhcpReservation> ReadReservations() => _store.Transact("read the reservations", Reservations);

    /// <summary>Every lease of this family in the database, each with the server that recorded it last (the fleet's view).</summary>
    public IReadOnlyList<(DhcpLease Lease, string? Server)> LoadWithServers() => _store.Transact("read the leases", (c, tx) =>
    {
        var leases = new List<(DhcpLease, string?)>();
        using var cmd = new NpgsqlCommand($"SELECT {Columns}, server FROM pxe_lease WHERE client_id IS NOT NULL AND family(address) = {_family} ORDER BY address", c, tx);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            leases.Add((ReadLease(reader), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return (IReadOnlyList<(DhcpLease, string?)>)leases;
    });

    /// <inheritdoc />
    public void SaveLease(DhcpLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var scope = lease.ScopeId ?? Unspecified(lease.IPAddress);
        _store.Transact("record a lease", (c, tx) =>
        {
            if (lease.AddressState != AddressState.Declined && lease.ClientId.Length > 0)
            {
                Run(c, tx, ClearClientSql, Inet(scope), Text(lease.ClientId), Text(_store.ServerName), Inet(lease.IPAddress));
            }

            return Single(c, tx, UnlessHeldSql, Inet(scope), Text(lease.ClientId), Text(_store.ServerName), Inet(lease.IPAddress), Text(lease.HostName), Text(lease.AddressState.ToString()), Time(lease.LeaseExpiryTime))
                ?? throw new PxeStorageException(StoreErrorIds.LeaseHeld, PxeErrorCategory.WriteError, $"{lease.IPAddress} is leased to another client by another server ({_store.Location}); nothing was recorded.");
        });
    }

    /// <inheritdoc />
    public void DeleteLease(IPAddress address) => _store.Transact("remove a lease", (c, tx) =>
        Run(c, tx, "UPDATE pxe_lease SET client_id = NULL, host_name = NULL, state = 'Free', expiry = NULL, server = $2, updated = now() WHERE address = $1", Inet(address), Text(_store.ServerName)));

    /// <inheritdoc />
    public void SaveReservation(DhcpReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        long? seconds = reservation.LeaseDuration is { } d ? (long)d.TotalSeconds : null;
        _store.Transact("record a reservation", (c, tx) =>
        {
            Run(c, tx, "DELETE FROM pxe_reservation WHERE client_id = $1 AND address <> $2", Text(reservation.MacAddress), Inet(reservation.IPAddress));
            Run(c, tx, NotifyReservationsSql);
            return Run(
                c,
                tx,
                "INSERT INTO pxe_reservation (address, client_id, name, lease_seconds) VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO UPDATE SET client_id = $2, name = $3, lease_seconds = $4",
                Inet(reservation.IPAddress),
                Text(reservation.MacAddress),
                Text(reservation.Name),
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)seconds ?? DBNull.Value });
        });
    }

    /// <inheritdoc />
    public void DeleteReservation(IPAddress address) => _store.Transact("remove a reservation", (c, tx) =>
        Run(c, tx, "DELETE FROM pxe_reservation WHERE address = $1", Inet(address)) + Run(c, tx, NotifyReservationsSql));

    /// <inheritdoc />
    public DhcpLease? TryAllocate(LeaseRange range, string clientId, string? hostName, IPAddress? requested, DateTimeOffset now, TimeSpan duration, AddressState state)
    {
        ArgumentNullException.ThrowIfNull(range);
        // A client identifier (option 61) or a DHCPv6 DUID stays as it is; a MAC is normalized.
        string client = _family == 4 && MacAddress.TryNormalizeHardwareAddress(clientId, out var normalized) ? normalized : clientId;
        EnsureRange(range);
        var subnet = Subnet(range);
        var lease = _store.Statement("allocate an address", c => Allocate(c, null, range, subnet, client, hostName, requested, now, duration, state));
        if (lease is not null)
        {
            _last[(range.StartRange, range.EndRange)] = lease.IPAddress; // where the next search for a free address starts
        }

        return lease;
    }

    /// <inheritdoc />
    public void Prepare(LeaseRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        EnsureRange(range);

        // A rehearsal: one offer to a client that does not exist, in a transaction rolled back. It compiles this process's
        // allocation path (Npgsql's parameters and reader for these types) and has PostgreSQL plan pxe_allocate on a pooled
        // connection, so that the first clients are not answered by cold code. Nothing of it stays in the database.
        _store.RolledBack("prepare the allocation", (c, tx) =>
            Allocate(c, tx, range, Subnet(range), "pxe-prepare", null, null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), AddressState.Offered));
    }

    private DhcpLease? Allocate(NpgsqlConnection c, NpgsqlTransaction? tx, LeaseRange range, IPNetwork subnet, string client, string? hostName, IPAddress? requested, DateTimeOffset now, TimeSpan duration, AddressState state)
    {
        using var cmd = new NpgsqlCommand(AllocateSql, c, tx);
        cmd.Parameters.Add(Inet(range.ScopeId));
        cmd.Parameters.Add(new NpgsqlParameter<IPNetwork> { NpgsqlDbType = NpgsqlDbType.Cidr, TypedValue = subnet });
        cmd.Parameters.Add(Inet(range.StartRange));
        cmd.Parameters.Add(Inet(range.EndRange));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Inet, Value = range.Excluded as IPAddress[] ?? range.Excluded.ToArray() });
        cmd.Parameters.Add(Text(client));
        cmd.Parameters.Add(Text(hostName));
        cmd.Parameters.Add(Inet(requested));
        cmd.Parameters.Add(Text(state.ToString()));
        cmd.Parameters.Add(Time(now));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = duration });
        cmd.Parameters.Add(Text(_store.ServerName));
        cmd.Parameters.Add(Inet(_last.TryGetValue((range.StartRange, range.EndRange), out var last) ? last : null));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadLease(reader) : null;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TimeSpan> Heartbeat(string server, IReadOnlyList<string> peers) => PostgresHeartbeats.Beat(_store, server, peers);

    /// <inheritdoc />
    public void Leave(string server) => PostgresHeartbeats.Leave(_store, server);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_feedGate)
        {
            if (_reservationsChanged is not null)
            {
                _store.Changes.Changed -= OnStoreChanged;
                _reservationsChanged = null;
            }
        }

        if (_owned)
        {
            _store.Dispose();
        }
    }

    private void OnStoreChanged(string name)
    {
        if (name is ReservationsChannelName or PostgresChangeListener.Everything)
        {
            _reservationsChanged?.Invoke(this, EventArgs.Empty);
        }
    }

    private List<DhcpReservation> Reservations(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        var reservations = new List<DhcpReservation>();
        using var cmd = new NpgsqlCommand($"SELECT host(address), client_id, name, lease_seconds FROM pxe_reservation WHERE family(address) = {_family} ORDER BY address", c, tx);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            TimeSpan? duration = reader.IsDBNull(3) ? null : TimeSpan.FromSeconds(reader.GetInt64(3));
            reservations.Add(new DhcpReservation(IPAddress.Parse(reader.GetString(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), duration));
        }

        return reservations;
    }

    private static IPAddress Unspecified(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;

    private static NpgsqlParameter Inet(IPAddress? value) => new() { NpgsqlDbType = NpgsqlDbType.Inet, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)value?.ToUniversalTime() ?? DBNull.Value };

    private static int Run(NpgsqlConnection c, NpgsqlTransaction tx, string sql, params NpgsqlParameter[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.Parameters.AddRange(parameters);
        return cmd.ExecuteNonQuery();
    }

    private static DhcpLease? Single(NpgsqlConnection c, NpgsqlTransaction tx, string sql, params NpgsqlParameter[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.Parameters.AddRange(parameters);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadLease(reader) : null;
    }

    private static DhcpLease ReadLease(NpgsqlDataReader reader) => new()
    {
        IPAddress = IPAddress.Parse(reader.GetString(0)),
        ScopeId = IPAddress.Parse(reader.GetString(1)),
        ClientId = reader.GetString(2),
        HostName = reader.IsDBNull(3) ? null : reader.GetString(3),
        AddressState = Enum.Parse<AddressState>(reader.GetString(4)),
        LeaseExpiryTime = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
    };

    /// <summary>The scope's subnet, within which a client's reservation wins over the range.</summary>
    private static IPNetwork Subnet(LeaseRange range)
    {
        int prefix = 0;
        foreach (byte b in range.SubnetMask.GetAddressBytes())
        {
            prefix += System.Numerics.BitOperations.PopCount(b);
        }

        return new IPNetwork(range.ScopeId, prefix);
    }

    private void EnsureRange(LeaseRange range)
    {
        if (_ranges.ContainsKey((range.StartRange, range.EndRange)))
        {
            return;
        }

        // Once per range and store: the allocations that arrive together at a server's start wait for this one insert
        // of the range's rows rather than each inserting them again (and waiting on each other's rows).
        lock (_rangeGate)
        {
            if (_ranges.ContainsKey((range.StartRange, range.EndRange)))
            {
                return;
            }

            CreateRange(range);
            _ranges[(range.StartRange, range.EndRange)] = true;
        }
    }

    private void CreateRange(LeaseRange range) =>
        _store.Transact("create the range's addresses", (c, tx) => Run(
            c,
            tx,
            // (nothing to write when every row is there already: another server or an earlier start made them)
            "INSERT INTO pxe_lease (address, scope) SELECT $1 + g, $2 FROM generate_series(0::bigint, $3 - 1) g WHERE (SELECT count(*) FROM pxe_lease WHERE address BETWEEN $1 AND $1 + ($3 - 1)) < $3 ON CONFLICT DO NOTHING",
            Inet(range.StartRange),
            Inet(range.ScopeId),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = range.Size }));
}
