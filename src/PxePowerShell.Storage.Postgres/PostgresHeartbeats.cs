using Npgsql;
using NpgsqlTypes;

namespace PxePowerShell.Storage.Postgres;

/// <summary>The heartbeat rows of a high-availability group (<c>pxe_heartbeat</c>, migration 4): written and read in one statement.</summary>
internal static class PostgresHeartbeats
{
    // The CTE's write is not visible to the SELECT of the same statement; a server never asks for its own age.
    private const string BeatSql = """
        WITH beat AS (
            INSERT INTO pxe_heartbeat (server, beat) VALUES (lower($1), now())
            ON CONFLICT (server) DO UPDATE SET beat = now())
        SELECT server, extract(epoch FROM now() - beat)::float8 FROM pxe_heartbeat
        WHERE server = ANY(SELECT lower(p) FROM unnest($2::text[]) p) AND server <> lower($1)
        """;

    private const string LeaveSql = "UPDATE pxe_heartbeat SET beat = to_timestamp(0) WHERE server = lower($1)";

    /// <summary>Writes <paramref name="server"/>'s heartbeat and returns the age of each peer's (lower-case names).</summary>
    public static IReadOnlyDictionary<string, TimeSpan> Beat(PostgresStore store, string server, IReadOnlyList<string> peers) =>
        store.Transact("heartbeat", (connection, tx) =>
        {
            using var cmd = new NpgsqlCommand(BeatSql, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = server });
            cmd.Parameters.Add(new NpgsqlParameter { Value = peers.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var ages = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ages[reader.GetString(0)] = TimeSpan.FromSeconds(Math.Min(reader.GetDouble(1), TimeSpan.MaxValue.TotalSeconds / 2));
            }

            return ages;
        });

    /// <summary>Ages <paramref name="server"/>'s heartbeat to the epoch (a server that stops).</summary>
    public static void Leave(PostgresStore store, string server) =>
        store.Transact("heartbeat", (connection, tx) =>
        {
            using var cmd = new NpgsqlCommand(LeaveSql, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = server });
            return cmd.ExecuteNonQuery();
        });
}
