using System.Text;
using Npgsql;
using NpgsqlTypes;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The fleet's events in <c>pxe_event</c> (docs/fleet.md): every server of the database appends its own (the host's hub
/// does so in batches, from a background writer, with one binary COPY each) and any of them reads all of them.
/// Retention is bounded: after a batch, at most once per <see cref="PruneInterval"/>, rows older than
/// <see cref="MaxAge"/> and all but the newest <see cref="MaxEvents"/> are deleted.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    /// <summary>The default of <see cref="MaxEvents"/>.</summary>
    public const int DefaultMaxEvents = 1_000_000;

    private readonly PostgresStore _store;
    private readonly TimeProvider _time;
    private long _lastPrune = long.MinValue;

    /// <summary>The events of <paramref name="store"/>, recorded under its <see cref="PostgresStore.ServerName"/>.</summary>
    /// <param name="store">The database (not owned).</param>
    /// <param name="maxEvents">The most events the table keeps (the whole fleet's).</param>
    /// <param name="maxAge">How long an event is kept; default 30 days.</param>
    /// <param name="pruneInterval">How often this server prunes; default one minute.</param>
    /// <param name="time">The clock of <paramref name="pruneInterval"/>.</param>
    public PostgresEventStore(PostgresStore store, int maxEvents = DefaultMaxEvents, TimeSpan? maxAge = null, TimeSpan? pruneInterval = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        _store = store;
        _time = time ?? TimeProvider.System;
        MaxEvents = maxEvents;
        MaxAge = maxAge ?? TimeSpan.FromDays(30);
        PruneInterval = pruneInterval ?? TimeSpan.FromMinutes(1);
    }

    /// <summary>The most events kept.</summary>
    public int MaxEvents { get; }

    /// <summary>How long an event is kept.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>How often this server deletes what is past the retention.</summary>
    public TimeSpan PruneInterval { get; }

    /// <inheritdoc />
    public string Location => $"postgresql: {_store.Location}";

    /// <inheritdoc />
    public void Append(IReadOnlyList<PxeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        long now = _time.GetTimestamp();
        bool prune = _lastPrune == long.MinValue || _time.GetElapsedTime(_lastPrune, now) >= PruneInterval;
        _store.Transact("record the events", (c, tx) =>
        {
            PostgresEventRows.Write(c, events, _store.ServerName);
            if (prune)
            {
                using var cmd = new NpgsqlCommand("DELETE FROM pxe_event WHERE time < now() - $1 OR id <= (SELECT max(id) FROM pxe_event) - $2", c, tx);
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = MaxAge });
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (long)MaxEvents });
                cmd.ExecuteNonQuery();
            }

            return 0;
        });
        if (prune)
        {
            _lastPrune = now;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<PxeEvent> Query(PxeEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _store.Transact("read the events", (c, tx) =>
        {
            using var cmd = new NpgsqlCommand { Connection = c, Transaction = tx };
            var where = new List<string>();
            string Add(object value, NpgsqlDbType type)
            {
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
                return "$" + cmd.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (query.Since is { } since)
            {
                where.Add("time >= " + Add(since.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            }

            if (query.Until is { } until)
            {
                where.Add("time < " + Add(until.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            }

            if (query.Kinds is { } kinds)
            {
                where.Add("kind = ANY(" + Add(kinds.Select(k => k.ToString()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
            }

            if (query.Servers is { } servers)
            {
                where.Add("lower(server) = ANY(" + Add(servers.Select(s => s.ToLowerInvariant()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
            }

            if (query.MacAddress is { } mac)
            {
                where.Add("mac = " + Add(mac.ToLowerInvariant(), NpgsqlDbType.Text));
            }

            if (query.ClientAddress is { } address)
            {
                where.Add("coalesce(client_address, endpoint_address) = " + Add(address, NpgsqlDbType.Inet));
            }

            var sql = new StringBuilder("SELECT ").Append(PostgresEventRows.Columns).Append(", id FROM pxe_event");
            if (where.Count > 0)
            {
                sql.Append(" WHERE ").AppendJoin(" AND ", where);
            }

            if (query.Newest is { } newest)
            {
                sql.Append(" ORDER BY time DESC, id DESC LIMIT ").Append(newest);
                cmd.CommandText = $"SELECT {PostgresEventRows.Columns} FROM ({sql}) AS newest ORDER BY time, id";
            }
            else
            {
                cmd.CommandText = sql.Append(" ORDER BY time, id").ToString();
            }

            return (IReadOnlyList<PxeEvent>)PostgresEventRows.ReadAll(cmd);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The database belongs to the storage that made this.
    }
}
