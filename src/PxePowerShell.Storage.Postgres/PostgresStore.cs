using System.Diagnostics;
using Npgsql;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Metrics;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// One PostgreSQL database that several boot servers share (docs/fleet.md): a pool of connections, the schema created
/// and migrated when opened, and the stores over it (<see cref="Leases"/>). Safe to use from several threads.
/// </summary>
public sealed class PostgresStore : IDisposable
{
    /// <summary>How many statements each pooled connection keeps prepared (Npgsql's Max Auto Prepare) unless the setting names its own.</summary>
    internal const int AutoPreparedStatements = 32;

    private static readonly LatencyHistogram s_commits = StoreLatency.For("postgres");
    private readonly NpgsqlDataSource _source;

    private PostgresStore(NpgsqlDataSource source, NpgsqlConnectionStringBuilder settings, string where, string serverName, int foundVersion)
    {
        _source = source;
        Changes = new PostgresChangeListener(settings);
        Location = where;
        ServerName = serverName;
        FoundSchemaVersion = foundVersion;
        Leases = new PostgresLeaseStore(this, LeaseFamily.IPv4);
        Leases6 = new PostgresLeaseStore(this, LeaseFamily.IPv6);
    }

    /// <summary>The schema version this module creates and migrates to.</summary>
    public static int SchemaVersion => SchemaMigrator.CurrentVersion;

    /// <summary>Host, port and database (never the password), for messages.</summary>
    public string Location { get; }

    /// <summary>The name this server writes into the rows it changes.</summary>
    public string ServerName { get; }

    /// <summary>The schema version the database had before it was opened (0: it was empty).</summary>
    public int FoundSchemaVersion { get; }

    /// <summary>The DHCPv4 leases and reservations, with transactional allocation (for a server: <see cref="PostgresStorage"/>).</summary>
    public PostgresLeaseStore Leases { get; }

    /// <summary>The DHCPv6 leases (read by Get-PxeLease -Store; a DHCPv6 server allocates in memory).</summary>
    public PostgresLeaseStore Leases6 { get; }

    /// <summary>
    /// Opens the database named by <paramref name="connectionString"/> (Npgsql syntax: <c>Host=db;Database=pxe;Username=pxe</c>)
    /// and brings its schema to <see cref="SchemaVersion"/>.
    /// </summary>
    /// <exception cref="PxeStorageException">The setting is invalid, the database unreachable, or its schema newer than this module's.</exception>
    public static PostgresStore Open(string connectionString, string? serverName = null)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new PxeStorageException(StoreErrorIds.InvalidStoreSetting, PxeErrorCategory.InvalidData, $"The store setting is not a PostgreSQL connection string ({ex.Message}); write it as 'Host=server;Database=pxe;Username=pxe'.", ex);
        }

        if (string.IsNullOrEmpty(settings.Host))
        {
            throw new PxeStorageException(StoreErrorIds.InvalidStoreSetting, PxeErrorCategory.InvalidData, "The store setting names no Host; write it as 'Host=server;Database=pxe;Username=pxe'.");
        }

        settings.ApplicationName ??= "PxePowerShell";
        // A pooled connection goes back as it is, without DISCARD ALL: this store leaves no session state behind (its
        // settings are SET LOCAL, its LISTEN has a connection of its own), and a reset would throw away the plans the
        // server caches per session, pxe_allocate's among them, so that every allocation planned its statements again.
        settings.NoResetOnClose = true;
        if (!NamesAutoPrepare(connectionString))
        {
            // The statements this store runs per DHCP exchange (pxe_allocate, the inventory's merge) run prepared on each
            // pooled connection after their second use: Bind and Execute only, no Parse and Describe, and no row
            // description for Npgsql to decode again per call (a profile of the allocation path found that decoding at
            // ~4 % of the DHCP workers' CPU). 'Max Auto Prepare=0' in the setting turns it off (a pooler that cannot
            // keep prepared statements, such as PgBouncer before 1.21 in transaction mode).
            settings.MaxAutoPrepare = AutoPreparedStatements;
            settings.AutoPrepareMinUsages = 2;
        }

        string where = $"'{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}'";
        var source = NpgsqlDataSource.Create(settings);
        try
        {
            using var connection = source.OpenConnection();
            int found = SchemaMigrator.Migrate(connection, where);
            return new PostgresStore(source, settings, where, serverName ?? Environment.MachineName, found);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            source.Dispose();
            throw PostgresErrors.Open(ex, where);
        }
    }

    /// <summary>Whether the setting itself says how many statements to prepare (Npgsql's keyword, in either spelling).</summary>
    private static bool NamesAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare");
    }

    /// <summary>The LISTEN on <c>pxe_changed</c>: one dedicated connection, started by the first subscriber (<see cref="PostgresLeaseStore"/>).</summary>
    internal PostgresChangeListener Changes { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Changes.Dispose();
        _source.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a pooled connection — for one statement, in the transaction of that statement alone
    /// (no BEGIN and COMMIT round trips: PostgreSQL commits it when it completes) — again when a concurrent transaction
    /// made it fail in a way a retry resolves (<see cref="PostgresErrors.IsRetryable"/>); <see cref="Transact{T}"/> runs
    /// its transaction through it.
    /// </summary>
    internal T Statement<T>(string operation, Func<NpgsqlConnection, T> body)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                long started = Stopwatch.GetTimestamp();
                using var connection = _source.OpenConnection();
                T result = body(connection);
                s_commits.ObserveSince(started); // pxe_store_commit_duration_seconds{store="postgres"}
                return result;
            }
            catch (Exception ex) when (attempt < 20 && PostgresErrors.IsRetryable(ex))
            {
                // another server allocated for the same client or address at the same moment: look again
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                throw PostgresErrors.Operation(ex, Location, operation);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> in a transaction that is then rolled back (a rehearsal: nothing of it stays).</summary>
    internal void RolledBack<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, T> body)
    {
        try
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            body(connection, tx);
            tx.Rollback();
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            throw PostgresErrors.Operation(ex, Location, operation);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction (read committed), committing it; runs it again when a concurrent
    /// transaction made it fail in a way a retry resolves (<see cref="PostgresErrors.IsRetryable"/>).
    /// </summary>
    internal T Transact<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, T> body) =>
        Statement(operation, connection =>
        {
            using var tx = connection.BeginTransaction();
            T result = body(connection, tx);
            tx.Commit();
            return result;
        });
}
