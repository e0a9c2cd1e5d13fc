using Microsoft.Data.Sqlite;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// Writes one batch of <see cref="ClientSighting"/>s into <see cref="SqliteClientStore"/>'s tables inside the caller's
/// transaction: the client rows (see the store's merge rule) and their boot trace steps.
/// </summary>
/// <remarks>
/// The sightings of one client within a batch (a DORA is four) are folded into one row write, each field taken from
/// the newest sighting that carries it, as writing them one after another would leave it; a second boot of the same
/// client within the batch, a client known only by its address or its DUID, or an address-only or DUID-only row that
/// may have to be folded into a client's own writes what was folded so far first, so boot counting and the fold stay
/// exact. Trace steps
/// keep the order the sightings came in.
/// </remarks>
internal sealed class SqliteSightingWriter : IDisposable
{
    private readonly SqliteCommand _findByMac;
    private readonly SqliteCommand _findByIp;
    private readonly SqliteCommand _findByDuid;
    private readonly SqliteCommand _adoptDuidOrphan;
    private readonly SqliteCommand _mergeDuidOrphan;
    private readonly SqliteCommand _deleteDuidOrphan;
    private readonly SqliteCommand _moveDuidOrphanTrace;
    private readonly SqliteCommand _mergeOrphan;
    private readonly SqliteCommand _deleteOrphan;
    private readonly SqliteCommand _moveOrphanTrace;
    private readonly SightingStatement _insert;
    private readonly SightingStatement _update;
    private readonly SightingStatement _upsert;
    private readonly TraceWriter _traces;
    private readonly Dictionary<string, Folded> _pending = new(StringComparer.Ordinal);
    private readonly List<(string Mac, BootTraceStep Step)> _pendingSteps = [];
    private bool _orphans;
    private bool _duidOrphans;

    public SqliteSightingWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _findByMac = SqliteClientStore.Command(connection, transaction, "SELECT id FROM clients WHERE mac = $mac");
        _findByIp = SqliteClientStore.Command(connection, transaction, "SELECT id FROM clients WHERE ip = $ip ORDER BY (mac IS NULL), (duid IS NULL), last_seen DESC LIMIT 1");
        _findByDuid = SqliteClientStore.Command(connection, transaction, "SELECT id FROM clients WHERE duid = $duid ORDER BY (mac IS NULL), last_seen DESC LIMIT 1");
        _mergeOrphan = SqliteClientStore.Command(connection, transaction, """
            UPDATE clients SET
                first_seen = min(coalesce(clients.first_seen, o.first_seen), o.first_seen),
                last_seen = max(coalesce(clients.last_seen, o.last_seen), o.last_seen),
                last_boot_file = CASE WHEN o.last_boot_file IS NOT NULL AND (clients.last_boot_file IS NULL OR o.last_seen > clients.last_seen) THEN o.last_boot_file ELSE clients.last_boot_file END,
                last_error = CASE WHEN o.last_error IS NOT NULL AND (clients.last_error IS NULL OR o.last_seen > clients.last_seen) THEN o.last_error ELSE clients.last_error END,
                architecture = coalesce(clients.architecture, o.architecture),
                boot_count = clients.boot_count + o.boot_count
            FROM (SELECT first_seen, last_seen, last_boot_file, last_error, architecture, boot_count FROM clients WHERE mac IS NULL AND duid IS NULL AND ip = $ip) AS o
            WHERE clients.id = $id
            """);
        _deleteOrphan = SqliteClientStore.Command(connection, transaction, "DELETE FROM clients WHERE mac IS NULL AND duid IS NULL AND ip = $ip");
        _moveOrphanTrace = SqliteClientStore.Command(connection, transaction, "UPDATE trace SET client_id = $id WHERE client_id IN (SELECT id FROM clients WHERE mac IS NULL AND duid IS NULL AND ip = $ip)");
        // Run before the sighting is written, so "newer" compares the DUID row with what the MAC's row knew: a MAC not in
        // the inventory yet takes the DUID row over; a known one gets its newer values, boots and trace.
        _adoptDuidOrphan = SqliteClientStore.Command(connection, transaction, "UPDATE clients SET mac = $mac WHERE mac IS NULL AND duid = $duid AND NOT EXISTS (SELECT 1 FROM clients WHERE mac = $mac)");
        _mergeDuidOrphan = SqliteClientStore.Command(connection, transaction, """
            UPDATE clients SET
                first_seen = min(coalesce(clients.first_seen, o.first_seen), o.first_seen),
                last_seen = max(coalesce(clients.last_seen, o.last_seen), o.last_seen),
                ip = CASE WHEN o.ip IS NOT NULL AND (clients.ip IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.ip ELSE clients.ip END,
                architecture = CASE WHEN o.architecture IS NOT NULL AND (clients.architecture IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.architecture ELSE clients.architecture END,
                vendor_class = CASE WHEN o.vendor_class IS NOT NULL AND (clients.vendor_class IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.vendor_class ELSE clients.vendor_class END,
                uuid = CASE WHEN o.uuid IS NOT NULL AND (clients.uuid IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.uuid ELSE clients.uuid END,
                last_boot_file = CASE WHEN o.last_boot_file IS NOT NULL AND (clients.last_boot_file IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.last_boot_file ELSE clients.last_boot_file END,
                last_error = CASE WHEN o.last_error IS NOT NULL AND (clients.last_error IS NULL OR o.last_seen > coalesce(clients.last_seen, 0)) THEN o.last_error ELSE clients.last_error END,
                duid = coalesce(clients.duid, o.duid),
                boot_count = clients.boot_count + o.boot_count
            FROM (SELECT ip, architecture, vendor_class, uuid, first_seen, last_seen, last_boot_file, last_error, duid, boot_count FROM clients WHERE mac IS NULL AND duid = $duid) AS o
            WHERE clients.mac = $mac
            """);
        _deleteDuidOrphan = SqliteClientStore.Command(connection, transaction, "DELETE FROM clients WHERE mac IS NULL AND duid = $duid");
        _moveDuidOrphanTrace = SqliteClientStore.Command(connection, transaction, "UPDATE trace SET client_id = (SELECT id FROM clients WHERE mac = $mac) WHERE client_id IN (SELECT id FROM clients WHERE mac IS NULL AND duid = $duid)");
        _insert = new SightingStatement(connection, Insert + " RETURNING id");
        _update = new SightingStatement(connection, $"UPDATE clients SET {Merge} WHERE id = $id RETURNING id");
        // A client with a MAC is found and written in one statement (the find, the write and the new row's id were three).
        _upsert = new SightingStatement(connection, $"{Insert} ON CONFLICT (mac) DO UPDATE SET {Merge} RETURNING id");
        _traces = new TraceWriter(connection, transaction);

        // A client known only by its address (a TFTP/HTTP request before any DHCP) or by a DUID without a MAC is rare;
        // while there is none, the statements that fold such a row into a client's own are skipped.
        using var anyOrphan = SqliteClientStore.Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM clients WHERE mac IS NULL AND duid IS NULL), EXISTS (SELECT 1 FROM clients WHERE mac IS NULL AND duid IS NOT NULL)");
        using (var reader = anyOrphan.ExecuteReader())
        {
            reader.Read();
            _orphans = reader.GetInt64(0) != 0;
            _duidOrphans = reader.GetInt64(1) != 0;
        }
    }

    /// <summary>A new client's row from one (folded) sighting.</summary>
    private const string Insert = """
        INSERT INTO clients (mac, duid, ip, architecture, vendor_class, uuid, host_name, first_seen, last_seen, last_boot_file, boot_count, last_error, last_boot_xid)
        VALUES ($mac, $duid, $ip, $arch, $vendor, $uuid, $host, $first, $time, $file, CASE WHEN $starts THEN 1 ELSE 0 END, $error, CASE WHEN $starts THEN $xid END)
        """;

    /// <summary>
    /// A sighting laid over a known client's row: each field the sighting carries replaces the stored one unless the
    /// stored one is newer; a DISCOVER of a new transaction counts a boot.
    /// </summary>
    private const string Merge = """
        ip = CASE WHEN $ip IS NOT NULL AND (ip IS NULL OR $time >= coalesce(last_seen, $time)) THEN $ip ELSE ip END,
        duid = CASE WHEN $duid IS NOT NULL AND (duid IS NULL OR $time >= coalesce(last_seen, $time)) THEN $duid ELSE duid END,
        architecture = CASE WHEN $arch IS NOT NULL AND (architecture IS NULL OR $time >= coalesce(last_seen, $time)) THEN $arch ELSE architecture END,
        vendor_class = CASE WHEN $vendor IS NOT NULL AND (vendor_class IS NULL OR $time >= coalesce(last_seen, $time)) THEN $vendor ELSE vendor_class END,
        uuid = CASE WHEN $uuid IS NOT NULL AND (uuid IS NULL OR $time >= coalesce(last_seen, $time)) THEN $uuid ELSE uuid END,
        host_name = CASE WHEN $host IS NOT NULL AND (host_name IS NULL OR $time >= coalesce(last_seen, $time)) THEN $host ELSE host_name END,
        last_boot_file = CASE WHEN $file IS NOT NULL AND (last_boot_file IS NULL OR $time >= coalesce(last_seen, $time)) THEN $file ELSE last_boot_file END,
        last_error = CASE WHEN $error IS NOT NULL AND (last_error IS NULL OR $time >= coalesce(last_seen, $time)) THEN $error ELSE last_error END,
        boot_count = boot_count + CASE WHEN $starts AND ($xid IS NULL OR last_boot_xid IS NULL OR last_boot_xid <> $xid) THEN 1 ELSE 0 END,
        last_boot_xid = CASE WHEN $starts THEN $xid ELSE last_boot_xid END,
        first_seen = min(coalesce(first_seen, $first), $first),
        last_seen = max(coalesce(last_seen, $time), $time)
        """;

    /// <summary>Writes the batch, oldest first, then prunes the touched clients' traces.</summary>
    public void Write(IReadOnlyList<ClientSighting> sightings)
    {
        foreach (var sighting in sightings)
        {
            string? ip = SqliteClientStore.AddressText(sighting.IPAddress);
            string? mac = sighting.MacAddress?.ToString();
            string? duid = SqliteClientStore.Clean(sighting.Duid);
            if (mac is null && ip is null && duid is null)
            {
                continue; // nothing identifies the client
            }

            if (sighting.TraceOnly)
            {
                if (mac is not null && sighting.Trace is { } step)
                {
                    _pendingSteps.Add((mac, step)); // a known client's step: appended once its row is written
                }

                continue;
            }

            if (mac is not null && !_orphans && (duid is null || !_duidOrphans))
            {
                Fold(mac, sighting);
                continue;
            }

            WriteFolded();
            if (_duidOrphans && mac is not null && duid is not null)
            {
                FoldDuidOrphan(mac, duid);
            }

            long id = mac is not null ? _upsert.Run(Folded.Of(sighting), mac, ip)
                : duid is not null ? WriteDuidOnly(sighting, duid, ip)
                : WriteAddressOnly(sighting, ip!);
            _orphans |= mac is null && duid is null;
            _duidOrphans |= mac is null && duid is not null;

            if (_orphans && (mac is not null || duid is not null) && ip is not null)
            {
                FoldOrphan(id, ip);
            }

            if (sighting.Trace is { } trace)
            {
                _traces.Append(id, trace);
            }
        }

        WriteFolded();
        _traces.Prune();
    }

    public void Dispose()
    {
        _findByMac.Dispose();
        _findByIp.Dispose();
        _findByDuid.Dispose();
        _adoptDuidOrphan.Dispose();
        _mergeDuidOrphan.Dispose();
        _deleteDuidOrphan.Dispose();
        _moveDuidOrphanTrace.Dispose();
        _mergeOrphan.Dispose();
        _deleteOrphan.Dispose();
        _moveOrphanTrace.Dispose();
        _insert.Dispose();
        _update.Dispose();
        _upsert.Dispose();
        _traces.Dispose();
    }

    private void Fold(string mac, ClientSighting sighting)
    {
        if (_pending.TryGetValue(mac, out var folded))
        {
            if (sighting.StartsBoot && folded.StartsBoot)
            {
                WriteFolded(); // a second boot within the batch: counted by a write of its own
                _pending[mac] = Folded.Of(sighting);
            }
            else
            {
                _pending[mac] = folded.With(sighting);
            }
        }
        else
        {
            _pending[mac] = Folded.Of(sighting);
        }

        if (sighting.Trace is { } step)
        {
            _pendingSteps.Add((mac, step));
        }
    }

    /// <summary>Writes the folded rows (in the order their clients first came) and then the held trace steps, in order.</summary>
    private void WriteFolded()
    {
        if (_pending.Count == 0 && _pendingSteps.Count == 0)
        {
            return;
        }

        var ids = new Dictionary<string, long>(_pending.Count, StringComparer.Ordinal);
        foreach (var (mac, folded) in _pending)
        {
            ids[mac] = _upsert.Run(folded, mac, SqliteClientStore.AddressText(folded.Sighting.IPAddress));
        }

        foreach (var (mac, step) in _pendingSteps)
        {
            long? id = ids.TryGetValue(mac, out long written) ? written : Find(mac);
            if (id is { } client)
            {
                _traces.Append(client, step);
            }
        }

        _pending.Clear();
        _pendingSteps.Clear();
    }

    private long? Find(string mac)
    {
        _findByMac.Parameters["$mac"].Value = mac;
        return _findByMac.ExecuteScalar() as long?;
    }

    /// <summary>A sighting with an address and no MAC: the client holding that address, or a row of its own.</summary>
    private long WriteAddressOnly(ClientSighting sighting, string ip)
    {
        _findByIp.Parameters["$ip"].Value = ip;
        return _findByIp.ExecuteScalar() is long id
            ? _update.Run(Folded.Of(sighting), null, ip, id)
            : _insert.Run(Folded.Of(sighting), null, ip);
    }

    /// <summary>A sighting with a DUID and no MAC: the client holding that DUID (one with a MAC first), or a row of its own.</summary>
    private long WriteDuidOnly(ClientSighting sighting, string duid, string? ip)
    {
        _findByDuid.Parameters["$duid"].Value = duid;
        return _findByDuid.ExecuteScalar() is long id
            ? _update.Run(Folded.Of(sighting), null, ip, id)
            : _insert.Run(Folded.Of(sighting), null, ip);
    }

    /// <summary>
    /// Links the DUID-only row of <paramref name="duid"/>, if any, to <paramref name="mac"/> before a sighting of both is
    /// written: the row becomes the MAC's when the MAC is new, otherwise it is folded into the MAC's row.
    /// </summary>
    private void FoldDuidOrphan(string mac, string duid)
    {
        if (Execute(_adoptDuidOrphan, ("$mac", mac), ("$duid", duid)) > 0)
        {
            return;
        }

        Execute(_mergeDuidOrphan, ("$duid", duid), ("$mac", mac));
        Execute(_moveDuidOrphanTrace, ("$duid", duid), ("$mac", mac));
        Execute(_deleteDuidOrphan, ("$duid", duid));
    }

    /// <summary>Folds the address-only row of <paramref name="ip"/>, if any, into the client <paramref name="id"/>.</summary>
    private void FoldOrphan(long id, string ip)
    {
        Execute(_mergeOrphan, ("$ip", ip), ("$id", id));
        Execute(_moveOrphanTrace, ("$ip", ip), ("$id", id));
        Execute(_deleteOrphan, ("$ip", ip));
    }

    /// <summary>Runs one of the rare fold statements with these parameter values; the rows it changed.</summary>
    private static int Execute(SqliteCommand command, params (string Name, object Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value;
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// One client's sightings folded: <see cref="Sighting"/> holds the newest value of each field and the newest time,
    /// <see cref="First"/> the oldest time; a boot's transaction id is the starting sighting's.
    /// </summary>
    private readonly record struct Folded(ClientSighting Sighting, DateTimeOffset First)
    {
        public bool StartsBoot => Sighting.StartsBoot;

        public static Folded Of(ClientSighting sighting) => new(sighting, sighting.Time);

        public Folded With(ClientSighting next)
        {
            var (older, newer) = next.Time >= Sighting.Time ? (Sighting, next) : (next, Sighting);
            var start = Sighting.StartsBoot ? Sighting : next.StartsBoot ? next : null;
            var merged = newer with
            {
                IPAddress = SqliteClientStore.AddressText(newer.IPAddress) is null ? older.IPAddress : newer.IPAddress,
                Duid = Newest(newer.Duid, older.Duid),
                Architecture = Newest(newer.Architecture, older.Architecture),
                VendorClass = Newest(newer.VendorClass, older.VendorClass),
                Uuid = newer.Uuid ?? older.Uuid,
                HostName = Newest(newer.HostName, older.HostName),
                BootFile = Newest(newer.BootFile, older.BootFile),
                Error = Newest(newer.Error, older.Error),
                StartsBoot = start is not null,
                TransactionId = start?.TransactionId ?? newer.TransactionId ?? older.TransactionId,
                Trace = null,
            };
            return new(merged, next.Time < First ? next.Time : First);
        }

        private static string? Newest(string? newer, string? older) => SqliteClientStore.Clean(newer) ?? older;
    }

    /// <summary>The row write of a (folded) sighting, prepared once per batch, its parameters bound by position.</summary>
    private sealed class SightingStatement : IDisposable
    {
        private readonly SqliteStatement _statement;
        private readonly int _mac, _duid, _ip, _arch, _vendor, _uuid, _host, _first, _time, _file, _error, _starts, _xid, _id;

        public SightingStatement(SqliteConnection connection, string sql)
        {
            _statement = new SqliteStatement(connection, sql);
            (_mac, _duid, _ip, _arch, _vendor, _uuid, _host, _first) = (P("$mac"), P("$duid"), P("$ip"), P("$arch"), P("$vendor"), P("$uuid"), P("$host"), P("$first"));
            (_time, _file, _error, _starts, _xid, _id) = (P("$time"), P("$file"), P("$error"), P("$starts"), P("$xid"), P("$id"));
            int P(string name) => _statement.Position(name);
        }

        /// <summary>Writes the sighting; the client's row id.</summary>
        public long Run(Folded folded, string? mac, string? ip, long? id = null)
        {
            var sighting = folded.Sighting;
            var s = _statement;
            s.Bind(_mac, mac);
            s.Bind(_duid, SqliteClientStore.Clean(sighting.Duid));
            s.Bind(_ip, ip);
            s.Bind(_arch, SqliteClientStore.Clean(sighting.Architecture));
            s.Bind(_vendor, SqliteClientStore.Clean(sighting.VendorClass));
            s.Bind(_uuid, sighting.Uuid?.ToString("D"));
            s.Bind(_host, SqliteClientStore.Clean(sighting.HostName));
            s.Bind(_first, folded.First.ToUnixTimeMilliseconds());
            s.Bind(_time, sighting.Time.ToUnixTimeMilliseconds());
            s.Bind(_file, SqliteClientStore.Clean(sighting.BootFile));
            s.Bind(_error, SqliteClientStore.Clean(sighting.Error));
            s.Bind(_starts, sighting.StartsBoot ? 1 : 0);
            s.Bind(_xid, sighting.TransactionId);
            s.Bind(_id, id);
            return s.Run() ?? throw new InvalidDataException("A client inventory write returned no row id.");
        }

        public void Dispose() => _statement.Dispose();
    }
}
