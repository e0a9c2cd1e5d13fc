using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// The <c>trace</c> table of <see cref="SqliteClientStore"/>: one row per <see cref="BootTraceStep"/>, keyed by the
/// client's row. Appends inside the store's write transaction and prunes each touched client to
/// <see cref="SqliteClientStore.TraceStepsPerClient"/> steps before it commits.
/// </summary>
internal sealed class TraceWriter : IDisposable
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS trace (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL,
            time INTEGER NOT NULL,
            kind TEXT NOT NULL,
            protocol TEXT,
            server TEXT,
            client_ip TEXT,
            architecture TEXT,
            user_class TEXT,
            xid INTEGER,
            message_type TEXT,
            server_id TEXT,
            ip TEXT,
            boot_file TEXT,
            path TEXT,
            bytes INTEGER,
            block_size INTEGER,
            window_size INTEGER,
            retransmits INTEGER,
            duration_us INTEGER,
            error TEXT,
            reason TEXT);
        CREATE INDEX IF NOT EXISTS trace_client ON trace (client_id, time);
        """;

    public const string Columns = "time, kind, protocol, server, client_ip, architecture, user_class, xid, message_type, server_id, ip, boot_file, path, bytes, block_size, window_size, retransmits, duration_us, error, reason";

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly HashSet<long> _touched = [];
    private SqliteStatement? _insert;

    public TraceWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public void Append(long clientId, BootTraceStep step)
    {
        // Anonymous parameters, numbered 1, 2, ... in the order of the columns: client_id, then Columns.
        _insert ??= new SqliteStatement(_connection, $"INSERT INTO trace (client_id, {Columns}) VALUES ({string.Join(", ", Enumerable.Repeat("?", Columns.Split(',').Length + 1))})");
        var s = _insert;
        int i = 1;
        s.Bind(i++, clientId);
        s.Bind(i++, step.Time.ToUnixTimeMilliseconds());
        s.Bind(i++, step.Kind.ToString());
        s.Bind(i++, step.Protocol.ToString());
        s.Bind(i++, step.Server);
        s.Bind(i++, SqliteClientStore.AddressText(step.ClientAddress));
        s.Bind(i++, step.Architecture);
        s.Bind(i++, step.UserClass);
        s.Bind(i++, step.TransactionId);
        s.Bind(i++, step.MessageType?.ToString());
        s.Bind(i++, SqliteClientStore.AddressText(step.ServerIdentifier));
        s.Bind(i++, SqliteClientStore.AddressText(step.IPAddress));
        s.Bind(i++, step.BootFile);
        s.Bind(i++, step.Path);
        s.Bind(i++, step.Bytes);
        s.Bind(i++, step.BlockSize);
        s.Bind(i++, step.WindowSize);
        s.Bind(i++, step.Retransmits);
        s.Bind(i++, step.Duration is { } duration ? duration.Ticks / 10 : null);
        s.Bind(i++, step.Error);
        s.Bind(i, step.Reason);
        s.Run();
        _touched.Add(clientId);
    }

    /// <summary>Drops the oldest steps of every client appended to beyond the per-client limit.</summary>
    /// <remarks>
    /// One statement finds, for all the clients touched at once, where each one's kept steps begin (a client under the
    /// limit has no such step); only a client over it costs a delete. At a few thousand DORA/s a statement per touched
    /// client was one of every DORA's.
    /// </remarks>
    public void Prune()
    {
        if (_touched.Count == 0)
        {
            return;
        }

        var over = new List<(long Client, long Cut)>();
        using (var find = SqliteClientStore.Command(_connection, _transaction, """
            SELECT c.value, (SELECT id FROM trace WHERE client_id = c.value ORDER BY id DESC LIMIT 1 OFFSET $keep) AS cut
            FROM json_each($clients) AS c WHERE cut IS NOT NULL
            """))
        {
            find.Parameters["$keep"].Value = SqliteClientStore.TraceStepsPerClient;
            find.Parameters["$clients"].Value = "[" + string.Join(",", _touched.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "]";
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                over.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        if (over.Count > 0)
        {
            using var prune = SqliteClientStore.Command(_connection, _transaction, "DELETE FROM trace WHERE client_id = $client AND id <= $cut");
            foreach (var (client, cut) in over)
            {
                prune.Parameters["$client"].Value = client;
                prune.Parameters["$cut"].Value = cut;
                prune.ExecuteNonQuery();
            }
        }

        _touched.Clear();
    }

    public void Dispose() => _insert?.Dispose();

    public static List<BootTraceStep> ReadAll(SqliteCommand command)
    {
        var steps = new List<BootTraceStep>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long? Number(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            IPAddress? Address(int i) => Text(i) is { } text && IPAddress.TryParse(text, out var address) ? address : null;
            int? Int(int i) => Number(i) is { } n ? (int)Math.Clamp(n, int.MinValue, int.MaxValue) : null;
            if (!Enum.TryParse<PxeEventKind>(reader.GetString(1), out var kind))
            {
                continue; // written by a newer version
            }

            steps.Add(new BootTraceStep
            {
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                Kind = kind,
                Protocol = Enum.TryParse<PxeProtocol>(Text(2), out var protocol) ? protocol : PxeProtocol.None,
                Server = Text(3),
                ClientAddress = Address(4),
                Architecture = Text(5),
                UserClass = Text(6),
                TransactionId = Number(7) is { } xid ? (uint)xid : null,
                MessageType = Enum.TryParse<Net.DhcpMessageType>(Text(8), out var type) ? type : null,
                ServerIdentifier = Address(9),
                IPAddress = Address(10),
                BootFile = Text(11),
                Path = Text(12),
                Bytes = Number(13),
                BlockSize = Int(14),
                WindowSize = Int(15),
                Retransmits = Int(16),
                Duration = Number(17) is { } us ? TimeSpan.FromTicks(us * 10) : null,
                Error = Text(18),
                Reason = Text(19),
            });
        }

        return steps;
    }
}
