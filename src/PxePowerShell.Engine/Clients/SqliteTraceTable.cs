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
    private SqliteCommand? _insert;

    public TraceWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public void Append(long clientId, BootTraceStep step)
    {
        _insert ??= SqliteClientStore.Command(_connection, _transaction, $"INSERT INTO trace (client_id, {Columns}) VALUES ($client, $time, $kind, $protocol, $server, $client_ip, $architecture, $user_class, $xid, $message_type, $server_id, $ip, $boot_file, $path, $bytes, $block_size, $window_size, $retransmits, $duration_us, $error, $reason)");
        static object Value(object? value) => value ?? DBNull.Value;
        var p = _insert.Parameters;
        p["$client"].Value = clientId;
        p["$time"].Value = step.Time.ToUnixTimeMilliseconds();
        p["$kind"].Value = step.Kind.ToString();
        p["$protocol"].Value = step.Protocol.ToString();
        p["$server"].Value = Value(step.Server);
        p["$client_ip"].Value = Value(SqliteClientStore.AddressText(step.ClientAddress));
        p["$architecture"].Value = Value(step.Architecture);
        p["$user_class"].Value = Value(step.UserClass);
        p["$xid"].Value = step.TransactionId is { } xid ? (long)xid : DBNull.Value;
        p["$message_type"].Value = Value(step.MessageType?.ToString());
        p["$server_id"].Value = Value(SqliteClientStore.AddressText(step.ServerIdentifier));
        p["$ip"].Value = Value(SqliteClientStore.AddressText(step.IPAddress));
        p["$boot_file"].Value = Value(step.BootFile);
        p["$path"].Value = Value(step.Path);
        p["$bytes"].Value = Value(step.Bytes);
        p["$block_size"].Value = Value(step.BlockSize);
        p["$window_size"].Value = Value(step.WindowSize);
        p["$retransmits"].Value = Value(step.Retransmits);
        p["$duration_us"].Value = step.Duration is { } duration ? (long)(duration.Ticks / 10) : DBNull.Value;
        p["$error"].Value = Value(step.Error);
        p["$reason"].Value = Value(step.Reason);
        _insert.ExecuteNonQuery();
        _touched.Add(clientId);
    }

    /// <summary>Drops the oldest steps of every client appended to beyond the per-client limit.</summary>
    public void Prune()
    {
        if (_touched.Count == 0)
        {
            return;
        }

        using var prune = SqliteClientStore.Command(_connection, _transaction, """
            DELETE FROM trace WHERE client_id = $client AND id <= (
                SELECT id FROM trace WHERE client_id = $client ORDER BY id DESC LIMIT 1 OFFSET $keep)
            """);
        prune.Parameters["$keep"].Value = SqliteClientStore.TraceStepsPerClient;
        foreach (var client in _touched)
        {
            prune.Parameters["$client"].Value = client;
            prune.ExecuteNonQuery();
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
