using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// The client inventory in a SQLite file (WAL journal, busy timeout, parameterized SQL, schema version in
/// <c>PRAGMA user_version</c>). Every operation takes a pooled connection of its own, so one store is safe from
/// many threads, and several stores — in one process or several — may share a file: writers serialise on SQLite's
/// write lock (<c>BEGIN IMMEDIATE</c>) and readers never wait for writers.
/// </summary>
/// <remarks>
/// Merge rule for clients seen before DHCP: a TFTP/HTTP sighting carries only an IP address. If a client with a MAC
/// already holds that address (the most recently seen one wins), the sighting updates it. Otherwise it is kept in a
/// row of its own keyed by the IP address (MacAddress null). When a later DHCP sighting links a MAC to that address,
/// the IP-only row is folded into the MAC row (earliest FirstSeen, latest LastSeen, newer LastBootFile/LastError,
/// boot counts added) and deleted, and its boot trace moves with it.
/// A DHCPv6 client is recorded under its MAC when its DUID (DUID-LL/LLT) or the relay carries one, with the DUID in
/// <c>duid</c>; one whose DUID carries no MAC (DUID-EN, DUID-UUID) has a row of its own keyed by the DUID (MacAddress
/// null), which a later sighting that links the DUID to a MAC folds into the MAC's row the same way.
/// Boot trace steps live in a table of their own (<c>trace</c>), at most <see cref="TraceStepsPerClient"/> per client.
/// </remarks>
public sealed class SqliteClientStore : IClientStore
{
    /// <summary>The schema version this code writes.</summary>
    public const int SchemaVersion = 3;

    /// <summary>The most boot trace steps kept per client; older steps are pruned as new ones arrive.</summary>
    public const int TraceStepsPerClient = 2000;

    /// <summary>The file name used inside a data directory.</summary>
    public const string DefaultFileName = "clients.db";

    private const string Columns = "id, mac, ip, architecture, vendor_class, uuid, host_name, first_seen, last_seen, last_boot_file, boot_entry, boot_count, last_error, duid";

    private readonly string _connectionString;
    private bool _disposed;

    /// <summary>Opens (creating when absent) the inventory in <paramref name="path"/>; throws when the file is not a usable inventory.</summary>
    public SqliteClientStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SqliteNativeLibrary.Register();
        Location = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(Location);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Initialize();
    }

    /// <summary>Opens the inventory file of a data directory.</summary>
    public static SqliteClientStore OpenDirectory(string dataDirectory) => new(Path.Combine(dataDirectory, DefaultFileName));

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public void Record(IReadOnlyList<ClientSighting> sightings)
    {
        ArgumentNullException.ThrowIfNull(sightings);
        if (sightings.Count == 0)
        {
            return;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var writer = new SqliteSightingWriter(connection, transaction))
        {
            writer.Write(sightings);
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public IReadOnlyList<ClientRecord> Query(ClientQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = Open();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.MacAddresses is { } macs)
        {
            if (macs.Count == 0)
            {
                return [];
            }

            where.Add("mac IN (" + string.Join(", ", macs.Select((mac, i) => Parameter(command, $"$m{i}", mac.ToString()))) + ")");
        }

        if (query.Duids is { } duids)
        {
            if (duids.Count == 0)
            {
                return [];
            }

            where.Add("duid IN (" + string.Join(", ", duids.Select((duid, i) => Parameter(command, $"$d{i}", duid))) + ")");
        }

        if (query.Architectures is { } architectures)
        {
            if (architectures.Count == 0)
            {
                return [];
            }

            where.Add("architecture COLLATE NOCASE IN (" + string.Join(", ", architectures.Select((a, i) => Parameter(command, $"$a{i}", a))) + ")");
        }

        if (query.Since is { } since)
        {
            where.Add("last_seen >= " + Parameter(command, "$since", since.ToUnixTimeMilliseconds()));
        }

        if (query.IPAddress is { } address)
        {
            where.Add("ip = " + Parameter(command, "$ip", address.ToString()));
        }

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM clients");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        command.CommandText = sql.Append(" ORDER BY (mac IS NULL), mac, (duid IS NULL), duid, ip").ToString();
        return ReadAll(command);
    }

    /// <inheritdoc />
    public ClientRecord? Find(MacAddress macAddress)
    {
        using var connection = Open();
        return Find(connection, null, macAddress.ToString());
    }

    /// <inheritdoc />
    public string? FindBootEntry(MacAddress macAddress)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT boot_entry FROM clients WHERE mac = $mac");
        command.Parameters["$mac"].Value = macAddress.ToString();
        return command.ExecuteScalar() as string;
    }

    /// <inheritdoc />
    public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create)
    {
        ArgumentNullException.ThrowIfNull(changes);
        string mac = macAddress.ToString();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var command = Command(connection, transaction, create
            ? """
              INSERT INTO clients (mac, boot_entry, host_name) VALUES ($mac, nullif($entry, ''), nullif($host, ''))
              ON CONFLICT (mac) DO UPDATE SET
                  boot_entry = CASE WHEN $entry IS NULL THEN boot_entry ELSE nullif($entry, '') END,
                  host_name = CASE WHEN $host IS NULL THEN host_name ELSE nullif($host, '') END
              """
            : """
              UPDATE clients SET
                  boot_entry = CASE WHEN $entry IS NULL THEN boot_entry ELSE nullif($entry, '') END,
                  host_name = CASE WHEN $host IS NULL THEN host_name ELSE nullif($host, '') END
              WHERE mac = $mac
              """))
        {
            command.Parameters["$mac"].Value = mac;
            command.Parameters["$entry"].Value = (object?)changes.BootEntry ?? DBNull.Value;
            command.Parameters["$host"].Value = (object?)changes.HostName ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        var result = Find(connection, transaction, mac);
        transaction.Commit();
        return result;
    }

    /// <inheritdoc />
    public bool Remove(MacAddress macAddress)
    {
        using var connection = Open();
        using var command = Command(connection, null, "DELETE FROM trace WHERE client_id IN (SELECT id FROM clients WHERE mac = $mac); DELETE FROM clients WHERE mac = $mac");
        command.Parameters["$mac"].Value = macAddress.ToString();
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public bool RemoveByAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        using var connection = Open();
        using var command = Command(connection, null, "DELETE FROM trace WHERE client_id IN (SELECT id FROM clients WHERE mac IS NULL AND ip = $ip); DELETE FROM clients WHERE mac IS NULL AND ip = $ip");
        command.Parameters["$ip"].Value = address.ToString();
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null)
    {
        string? ip = AddressText(ipAddress);
        if (macAddress is null && ip is null)
        {
            return [];
        }

        using var connection = Open();
        using var command = Command(connection, null, macAddress is not null
            ? "SELECT " + TraceWriter.Columns + " FROM trace WHERE client_id = (SELECT id FROM clients WHERE mac = $mac) AND time >= $since ORDER BY time, id"
            : "SELECT " + TraceWriter.Columns + " FROM trace WHERE client_id = (SELECT id FROM clients WHERE mac IS NULL AND ip = $ip) AND time >= $since ORDER BY time, id");
        if (macAddress is not null)
        {
            command.Parameters["$mac"].Value = macAddress;
        }
        else
        {
            command.Parameters["$ip"].Value = ip;
        }

        command.Parameters["$since"].Value = since?.ToUnixTimeMilliseconds() ?? long.MinValue;
        return TraceWriter.ReadAll(command);
    }

    /// <summary>Releases the pooled connections (and with them the file handles).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private void Initialize()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            wal.ExecuteScalar();
        }

        using var transaction = connection.BeginTransaction();
        using var version = Command(connection, transaction, "PRAGMA user_version");
        long current = Convert.ToInt64(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new InvalidDataException($"The client inventory '{Location}' was written by a newer PxePowerShell (schema {current}; this version reads {SchemaVersion}). Update the module or use another data directory.");
        }

        if (current < 1)
        {
            using var create = Command(connection, transaction, """
                CREATE TABLE IF NOT EXISTS clients (
                    id INTEGER PRIMARY KEY,
                    mac TEXT UNIQUE,
                    ip TEXT,
                    architecture TEXT,
                    vendor_class TEXT,
                    uuid TEXT,
                    host_name TEXT,
                    first_seen INTEGER,
                    last_seen INTEGER,
                    last_boot_file TEXT,
                    boot_entry TEXT,
                    boot_count INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    last_boot_xid INTEGER);
                CREATE UNIQUE INDEX IF NOT EXISTS clients_ip_only ON clients (ip) WHERE mac IS NULL;
                CREATE INDEX IF NOT EXISTS clients_ip ON clients (ip);
                """);
            create.ExecuteNonQuery();
        }

        if (current < 2)
        {
            using var create = Command(connection, transaction, $"""
                {TraceWriter.Schema}
                PRAGMA user_version = 2;
                """);
            create.ExecuteNonQuery();
        }

        if (current < 3)
        {
            // Version 3: the DHCPv6 DUID. A client known only by its DUID has a row with a null MAC, so the IP-only
            // index leaves those rows out and the DUID-only rows get one of their own.
            using var duid = Command(connection, transaction, """
                ALTER TABLE clients ADD COLUMN duid TEXT;
                DROP INDEX IF EXISTS clients_ip_only;
                CREATE UNIQUE INDEX clients_ip_only ON clients (ip) WHERE mac IS NULL AND duid IS NULL;
                CREATE UNIQUE INDEX clients_duid_only ON clients (duid) WHERE mac IS NULL;
                CREATE INDEX clients_duid ON clients (duid);
                PRAGMA user_version = 3;
                """);
            duid.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 10000";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in ParameterNames(sql))
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        return command;
    }

    private static IEnumerable<string> ParameterNames(string sql)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < sql.Length; i++)
        {
            if (sql[i] != '$')
            {
                continue;
            }

            int end = i + 1;
            while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }

            if (names.Add(sql[i..end]))
            {
                yield return sql[i..end];
            }

            i = end - 1;
        }
    }

    private static string Parameter(SqliteCommand command, string name, object value)
    {
        command.Parameters.AddWithValue(name, value);
        return name;
    }

    internal static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal static string? AddressText(IPAddress? address) =>
        address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)
            ? null
            : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static ClientRecord? Find(SqliteConnection connection, SqliteTransaction? transaction, string mac)
    {
        using var command = Command(connection, transaction, $"SELECT {Columns} FROM clients WHERE mac = $mac");
        command.Parameters["$mac"].Value = mac;
        var rows = ReadAll(command);
        return rows.Count == 0 ? null : rows[0];
    }

    private static List<ClientRecord> ReadAll(SqliteCommand command)
    {
        var result = new List<ClientRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
            result.Add(new ClientRecord
            {
                MacAddress = Text(1),
                IPAddress = Text(2) is { } ip && IPAddress.TryParse(ip, out var address) ? address : null,
                Architecture = Text(3) is "EfiBC" ? "EfiX64" : Text(3), // 7 was recorded as EfiBC before it meant x64 UEFI here
                VendorClass = Text(4),
                Uuid = Text(5) is { } uuid && Guid.TryParse(uuid, out var guid) ? guid : null,
                HostName = Text(6),
                FirstSeen = Time(7),
                LastSeen = Time(8),
                LastBootFile = Text(9),
                BootEntry = Text(10),
                BootCount = reader.IsDBNull(11) ? 0 : (int)Math.Min(int.MaxValue, reader.GetInt64(11)),
                LastError = Text(12),
                Duid = Text(13),
            });
        }

        return result;
    }
}
