using System.Net;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The fleet's one client inventory in <c>pxe_client</c> (docs/fleet.md): every server merges its sightings into the
/// same rows, keyed by MAC address, with the same rules as the embedded inventory (<see cref="SqliteClientStore"/>: a
/// client seen only over TFTP/HTTP is kept by its IP address, and a DHCPv6 client whose DUID carries no MAC by its DUID,
/// until a sighting links a MAC to it, then folded into the MAC's row; newer observations win; a DISCOVER counts one boot per transaction id). <c>server</c> is the node whose
/// sighting was newest. The boot trace of a client is read from the fleet's events (<c>pxe_event</c>), so it reaches as
/// far back as their retention. Two servers merging the same client at once: the second transaction fails on the unique
/// index and is run again.
/// </summary>
public sealed class PostgresClientStore : IClientStore
{
    private const string Columns = "mac, host(ip), architecture, vendor_class, uuid, host_name, first_seen, last_seen, last_boot_file, boot_entry, boot_count, last_error, server, duid";

    // $1 mac, $2 ip, $3 architecture, $4 vendor class, $5 uuid, $6 host name, $7 time, $8 boot file, $9 error,
    // $10 starts a boot, $11 transaction id, $12 server (node), $13 DUID, $14 the row (an update by id).
    private const string Insert = """
        INSERT INTO pxe_client AS c (mac, ip, architecture, vendor_class, uuid, host_name, first_seen, last_seen, last_boot_file, boot_count, last_error, last_boot_xid, server, duid)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, CASE WHEN $10 THEN 1 ELSE 0 END, $9, CASE WHEN $10 THEN $11 END, $12, $13)
        """;

    private const string Merge = """
        ip = CASE WHEN $2 IS NOT NULL AND (c.ip IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $2 ELSE c.ip END,
        duid = CASE WHEN $13 IS NOT NULL AND (c.duid IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $13 ELSE c.duid END,
        architecture = CASE WHEN $3 IS NOT NULL AND (c.architecture IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $3 ELSE c.architecture END,
        vendor_class = CASE WHEN $4 IS NOT NULL AND (c.vendor_class IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $4 ELSE c.vendor_class END,
        uuid = CASE WHEN $5 IS NOT NULL AND (c.uuid IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $5 ELSE c.uuid END,
        host_name = CASE WHEN $6 IS NOT NULL AND (c.host_name IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $6 ELSE c.host_name END,
        last_boot_file = CASE WHEN $8 IS NOT NULL AND (c.last_boot_file IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $8 ELSE c.last_boot_file END,
        last_error = CASE WHEN $9 IS NOT NULL AND (c.last_error IS NULL OR $7 >= coalesce(c.last_seen, $7)) THEN $9 ELSE c.last_error END,
        boot_count = c.boot_count + CASE WHEN $10 AND ($11 IS NULL OR c.last_boot_xid IS NULL OR c.last_boot_xid <> $11) THEN 1 ELSE 0 END,
        last_boot_xid = CASE WHEN $10 THEN $11 ELSE c.last_boot_xid END,
        server = CASE WHEN $7 >= coalesce(c.last_seen, $7) THEN $12 ELSE c.server END,
        first_seen = least(coalesce(c.first_seen, $7), $7),
        last_seen = greatest(coalesce(c.last_seen, $7), $7)
        """;

    // The sighting links a MAC to a DUID a client known only by its DUID had. Before the sighting is written (so
    // "newer" compares with what the MAC's row knew): the DUID row is folded into the MAC's, or becomes the MAC's row
    // when the MAC is new. One statement; a no-op when there is no such row. $1 mac, $2 DUID.
    private const string FoldDuidSql = """
        WITH o AS (DELETE FROM pxe_client WHERE mac IS NULL AND duid = $2 RETURNING *),
        m AS (
            UPDATE pxe_client AS c SET
                first_seen = least(c.first_seen, o.first_seen),
                last_seen = greatest(c.last_seen, o.last_seen),
                ip = CASE WHEN o.ip IS NOT NULL AND (c.ip IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.ip ELSE c.ip END,
                architecture = CASE WHEN o.architecture IS NOT NULL AND (c.architecture IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.architecture ELSE c.architecture END,
                vendor_class = CASE WHEN o.vendor_class IS NOT NULL AND (c.vendor_class IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.vendor_class ELSE c.vendor_class END,
                uuid = CASE WHEN o.uuid IS NOT NULL AND (c.uuid IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.uuid ELSE c.uuid END,
                last_boot_file = CASE WHEN o.last_boot_file IS NOT NULL AND (c.last_boot_file IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.last_boot_file ELSE c.last_boot_file END,
                last_error = CASE WHEN o.last_error IS NOT NULL AND (c.last_error IS NULL OR c.last_seen IS NULL OR o.last_seen > c.last_seen) THEN o.last_error ELSE c.last_error END,
                server = CASE WHEN c.last_seen IS NULL OR o.last_seen > c.last_seen THEN o.server ELSE c.server END,
                duid = coalesce(c.duid, o.duid),
                boot_count = c.boot_count + o.boot_count
            FROM o
            WHERE c.mac = $1
            RETURNING c.id)
        INSERT INTO pxe_client (mac, duid, ip, architecture, vendor_class, uuid, host_name, first_seen, last_seen, last_boot_file, boot_entry, boot_count, last_error, last_boot_xid, server)
        SELECT $1, o.duid, o.ip, o.architecture, o.vendor_class, o.uuid, o.host_name, o.first_seen, o.last_seen, o.last_boot_file, o.boot_entry, o.boot_count, o.last_error, o.last_boot_xid, o.server
        FROM o WHERE NOT EXISTS (SELECT 1 FROM m)
        """;

    // DHCP linked a MAC (or DUID) to an address a client known only by IP had: that row is folded into the client's
    // ($1 the address; $2 the client: its MAC, or its row id), then deleted (DeleteAddressRowSql).
    private const string FoldAddressSql = """
        UPDATE pxe_client AS c SET
            first_seen = least(c.first_seen, o.first_seen),
            last_seen = greatest(c.last_seen, o.last_seen),
            last_boot_file = CASE WHEN o.last_boot_file IS NOT NULL AND (c.last_boot_file IS NULL OR o.last_seen > c.last_seen) THEN o.last_boot_file ELSE c.last_boot_file END,
            last_error = CASE WHEN o.last_error IS NOT NULL AND (c.last_error IS NULL OR o.last_seen > c.last_seen) THEN o.last_error ELSE c.last_error END,
            architecture = coalesce(c.architecture, o.architecture),
            boot_count = c.boot_count + o.boot_count
        FROM pxe_client AS o
        WHERE o.mac IS NULL AND o.duid IS NULL AND o.ip = $1 AND
        """;

    private const string DeleteAddressRowSql = "DELETE FROM pxe_client WHERE mac IS NULL AND duid IS NULL AND ip = $1";

    private readonly PostgresStore _store;

    /// <summary>The inventory of <paramref name="store"/> (not owned), recorded under its <see cref="PostgresStore.ServerName"/>.</summary>
    public PostgresClientStore(PostgresStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public string Location => $"postgresql: {_store.Location}";

    /// <inheritdoc />
    public void Record(IReadOnlyList<ClientSighting> sightings)
    {
        ArgumentNullException.ThrowIfNull(sightings);
        if (sightings.Count == 0)
        {
            return;
        }

        _store.Transact("record the clients", (c, tx) =>
        {
            // A MAC's sightings (every DHCPv4 one) need nothing read back, so their statements go to the database as one
            // batch, one round trip for the whole batch instead of one to three per sighting; a sighting without a MAC
            // first finds its row, so what was batched before it runs first, in order.
            using var batch = new NpgsqlBatch(c, tx);
            foreach (var sighting in sightings)
            {
                var ip = Address(sighting.IPAddress);
                string? mac = sighting.MacAddress?.ToString();
                string? duid = Clean(sighting.Duid);
                if ((mac is null && ip is null && duid is null) || sighting.TraceOnly)
                {
                    continue; // nothing identifies the client; a trace-only step is already in the events
                }

                if (mac is not null)
                {
                    AddMacSighting(batch, sighting, mac, duid, ip);
                }
                else
                {
                    Run(batch);
                    RecordUnlinked(c, tx, sighting, duid, ip);
                }
            }

            Run(batch);
            return 0;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<ClientRecord> Query(ClientQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MacAddresses is { Count: 0 } || query.Duids is { Count: 0 } || query.Architectures is { Count: 0 })
        {
            return [];
        }

        return _store.Transact("read the clients", (c, tx) =>
        {
            using var cmd = new NpgsqlCommand { Connection = c, Transaction = tx };
            var where = new List<string>();
            if (query.MacAddresses is { } macs)
            {
                where.Add("mac = ANY(" + Add(cmd, macs.Select(m => m.ToString()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
            }

            if (query.Duids is { } duids)
            {
                where.Add("duid = ANY(" + Add(cmd, duids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
            }

            if (query.Architectures is { } architectures)
            {
                where.Add("lower(architecture) = ANY(" + Add(cmd, architectures.Select(a => a.ToLowerInvariant()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
            }

            if (query.Since is { } since)
            {
                where.Add("last_seen >= " + Add(cmd, since.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            }

            if (query.IPAddress is { } address)
            {
                where.Add("ip = " + Add(cmd, address, NpgsqlDbType.Inet));
            }

            var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM pxe_client");
            if (where.Count > 0)
            {
                sql.Append(" WHERE ").AppendJoin(" AND ", where);
            }

            cmd.CommandText = sql.Append(" ORDER BY (mac IS NULL), mac, (duid IS NULL), duid, ip").ToString();
            return (IReadOnlyList<ClientRecord>)ReadAll(cmd);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null)
    {
        if (macAddress is null && Address(ipAddress) is null)
        {
            return [];
        }

        return _store.Transact("read the boot trace", (c, tx) =>
        {
            // A MAC's steps, and the transfers from its address that carried no MAC (TFTP/HTTP); an IP-only client's steps.
            using var cmd = new NpgsqlCommand(
                $"SELECT {PostgresEventRows.Columns} FROM pxe_event WHERE time >= $3 AND " + (macAddress is not null
                    ? "(mac = $1 OR (mac IS NULL AND coalesce(client_address, endpoint_address) = (SELECT ip FROM pxe_client WHERE mac = $1)))"
                    : "mac IS NULL AND coalesce(client_address, endpoint_address) = $2")
                + " ORDER BY time, id",
                c,
                tx);
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)macAddress?.ToLowerInvariant() ?? DBNull.Value });
            cmd.Parameters.Add(Inet(Address(ipAddress)));
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (since ?? DateTimeOffset.MinValue.AddYears(1)).ToUniversalTime() });
            var steps = new List<BootTraceStep>();
            foreach (var pxeEvent in PostgresEventRows.ReadAll(cmd))
            {
                if (BootTraceStep.FromEvent(pxeEvent) is { } step)
                {
                    steps.Add(step);
                }
            }

            return (IReadOnlyList<BootTraceStep>)steps;
        });
    }

    /// <inheritdoc />
    public ClientRecord? Find(MacAddress macAddress) =>
        _store.Transact("read a client", (c, tx) => FindRow(c, tx, macAddress.ToString()));

    /// <inheritdoc />
    public string? FindBootEntry(MacAddress macAddress) => _store.Transact("read a client's boot entry", (c, tx) =>
    {
        using var cmd = new NpgsqlCommand("SELECT boot_entry FROM pxe_client WHERE mac = $1", c, tx);
        cmd.Parameters.Add(Text(macAddress.ToString()));
        return cmd.ExecuteScalar() as string;
    });

    /// <inheritdoc />
    public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create)
    {
        ArgumentNullException.ThrowIfNull(changes);
        string mac = macAddress.ToString();
        return _store.Transact("change a client", (c, tx) =>
        {
            const string Set = """
                boot_entry = CASE WHEN $2 IS NULL THEN c.boot_entry ELSE nullif($2, '') END,
                host_name = CASE WHEN $3 IS NULL THEN c.host_name ELSE nullif($3, '') END
                """;
            using (var cmd = new NpgsqlCommand(
                create
                    ? $"INSERT INTO pxe_client AS c (mac, boot_entry, host_name) VALUES ($1, nullif($2, ''), nullif($3, '')) ON CONFLICT (mac) DO UPDATE SET {Set}"
                    : $"UPDATE pxe_client AS c SET {Set} WHERE mac = $1",
                c,
                tx))
            {
                cmd.Parameters.Add(Text(mac));
                cmd.Parameters.Add(Text(changes.BootEntry));
                cmd.Parameters.Add(Text(changes.HostName));
                cmd.ExecuteNonQuery();
            }

            return FindRow(c, tx, mac);
        });
    }

    /// <inheritdoc />
    public bool Remove(MacAddress macAddress) => _store.Transact("remove a client", (c, tx) =>
    {
        using var cmd = new NpgsqlCommand("DELETE FROM pxe_client WHERE mac = $1", c, tx);
        cmd.Parameters.Add(Text(macAddress.ToString()));
        return cmd.ExecuteNonQuery() > 0;
    });

    /// <inheritdoc />
    public bool RemoveByAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _store.Transact("remove a client", (c, tx) =>
        {
            using var cmd = new NpgsqlCommand("DELETE FROM pxe_client WHERE mac IS NULL AND ip = $1", c, tx);
            cmd.Parameters.Add(Inet(Address(address)));
            return cmd.ExecuteNonQuery() > 0;
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The database belongs to the storage that made this.
    }

    /// <summary>A MAC's sighting as statements of <paramref name="batch"/>: the DUID fold, the row's merge, the address row's fold.</summary>
    private void AddMacSighting(NpgsqlBatch batch, ClientSighting sighting, string mac, string? duid, IPAddress? ip)
    {
        if (duid is not null)
        {
            var fold = new NpgsqlBatchCommand(FoldDuidSql);
            fold.Parameters.Add(Text(mac));
            fold.Parameters.Add(Text(duid));
            batch.BatchCommands.Add(fold);
        }

        var merge = new NpgsqlBatchCommand($"{Insert} ON CONFLICT (mac) DO UPDATE SET {Merge}");
        AddSightingParameters(merge.Parameters, sighting, mac, ip, duid);
        batch.BatchCommands.Add(merge);
        if (ip is not null)
        {
            var fold = new NpgsqlBatchCommand(FoldAddressSql + " c.mac = $2");
            fold.Parameters.Add(Inet(ip));
            fold.Parameters.Add(Text(mac));
            batch.BatchCommands.Add(fold);
            var delete = new NpgsqlBatchCommand(DeleteAddressRowSql);
            delete.Parameters.Add(Inet(ip));
            batch.BatchCommands.Add(delete);
        }
    }

    /// <summary>Runs what <paramref name="batch"/> holds (one round trip) and empties it.</summary>
    private static void Run(NpgsqlBatch batch)
    {
        if (batch.BatchCommands.Count > 0)
        {
            batch.ExecuteNonQuery();
            batch.BatchCommands.Clear();
        }
    }

    /// <summary>A sighting without a MAC (a DUID's, an address's): its row is found first, then merged.</summary>
    private void RecordUnlinked(NpgsqlConnection c, NpgsqlTransaction tx, ClientSighting sighting, string? duid, IPAddress? ip)
    {
        long? id;
        // A DUID's client (one with a MAC first), else the client holding the address (a MAC's, a DUID's, an IP-only row).
        using (var find = new NpgsqlCommand(
            duid is not null
                ? "SELECT id FROM pxe_client WHERE duid = $1 ORDER BY (mac IS NULL), last_seen DESC NULLS LAST LIMIT 1"
                : "SELECT id FROM pxe_client WHERE ip = $1 ORDER BY (mac IS NULL), (duid IS NULL), last_seen DESC NULLS LAST LIMIT 1",
            c,
            tx))
        {
            find.Parameters.Add(duid is not null ? Text(duid) : Inet(ip));
            id = find.ExecuteScalar() as long?;
        }

        string sql = id is not null ? $"UPDATE pxe_client AS c SET {Merge} WHERE id = $14 RETURNING id"
            : duid is not null ? $"{Insert} ON CONFLICT (duid) WHERE mac IS NULL DO UPDATE SET {Merge} RETURNING id"
            : $"{Insert} ON CONFLICT (ip) WHERE mac IS NULL AND duid IS NULL DO UPDATE SET {Merge} RETURNING id";
        using (var cmd = new NpgsqlCommand(sql, c, tx))
        {
            AddSightingParameters(cmd.Parameters, sighting, null, ip, duid);
            if (id is { } row)
            {
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = row });
            }

            id = (long)cmd.ExecuteScalar()!;
        }

        if (duid is not null && ip is not null)
        {
            using (var fold = new NpgsqlCommand(FoldAddressSql + " c.id = $2", c, tx))
            {
                fold.Parameters.Add(Inet(ip));
                fold.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = id.Value });
                fold.ExecuteNonQuery();
            }

            using var delete = new NpgsqlCommand(DeleteAddressRowSql, c, tx);
            delete.Parameters.Add(Inet(ip));
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>$1 to $13 of <see cref="Insert"/> and <see cref="Merge"/>.</summary>
    private void AddSightingParameters(NpgsqlParameterCollection p, ClientSighting sighting, string? mac, IPAddress? ip, string? duid)
    {
        p.Add(Text(mac));
        p.Add(Inet(ip));
        p.Add(Text(Clean(sighting.Architecture)));
        p.Add(Text(Clean(sighting.VendorClass)));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)sighting.Uuid ?? DBNull.Value });
        p.Add(Text(Clean(sighting.HostName)));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = sighting.Time.ToUniversalTime() });
        p.Add(Text(Clean(sighting.BootFile)));
        p.Add(Text(Clean(sighting.Error)));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = sighting.StartsBoot });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = sighting.TransactionId is { } xid ? (long)xid : DBNull.Value });
        p.Add(Text(_store.ServerName));
        p.Add(Text(duid));
    }

    private static ClientRecord? FindRow(NpgsqlConnection c, NpgsqlTransaction tx, string mac)
    {
        using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM pxe_client WHERE mac = $1", c, tx);
        cmd.Parameters.Add(Text(mac));
        var rows = ReadAll(cmd);
        return rows.Count == 0 ? null : rows[0];
    }

    private static List<ClientRecord> ReadAll(NpgsqlCommand cmd)
    {
        var result = new List<ClientRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            result.Add(new ClientRecord
            {
                MacAddress = Text(0),
                IPAddress = Text(1) is { } ip && IPAddress.TryParse(ip, out var address) ? address : null,
                Architecture = Text(2),
                VendorClass = Text(3),
                Uuid = r.IsDBNull(4) ? null : r.GetGuid(4),
                HostName = Text(5),
                FirstSeen = Time(6),
                LastSeen = Time(7),
                LastBootFile = Text(8),
                BootEntry = Text(9),
                BootCount = r.GetInt32(10),
                LastError = Text(11),
                Server = Text(12),
                Duid = Text(13),
            });
        }

        return result;
    }

    private static string Add(NpgsqlCommand cmd, object value, NpgsqlDbType type)
    {
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        return "$" + cmd.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static NpgsqlParameter Inet(IPAddress? value) => new() { NpgsqlDbType = NpgsqlDbType.Inet, Value = (object?)value ?? DBNull.Value };

    /// <summary>The address as the inventory keeps it: IPv4-mapped addresses as IPv4, none for the unspecified and broadcast addresses.</summary>
    private static IPAddress? Address(IPAddress? address) =>
        address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)
            ? null
            : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
