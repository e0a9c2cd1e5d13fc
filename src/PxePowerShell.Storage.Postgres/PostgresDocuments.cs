using Npgsql;
using NpgsqlTypes;

namespace PxePowerShell.Storage.Postgres;

/// <summary>Named text documents in <c>pxe_document</c>: read whole, replaced whole in one statement, versioned, announced with NOTIFY.</summary>
internal sealed class PostgresDocuments(PostgresStore store)
{
    /// <summary>The channel every change of a document is announced on (the payload is the document's name).</summary>
    public const string Channel = "pxe_changed";

    /// <summary>The document's version, or null when it does not exist.</summary>
    public long? Version(string name) => store.Transact("read a version", (c, tx) =>
    {
        using var cmd = new NpgsqlCommand("SELECT version FROM pxe_document WHERE name = $1", c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
        return cmd.ExecuteScalar() is long v ? v : (long?)null;
    });

    /// <summary>The document's body and time of its last change, or null when it does not exist.</summary>
    public (string Body, DateTimeOffset Updated)? Read(string name) => store.Transact("read " + name, (c, tx) =>
    {
        using var cmd = new NpgsqlCommand("SELECT body, updated FROM pxe_document WHERE name = $1", c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)) : ((string, DateTimeOffset)?)null;
    });

    /// <summary>Replaces the document (creating it), increments its version and notifies <see cref="Channel"/>, in one transaction.</summary>
    public void Write(string name, string body) => store.Transact("write " + name, (c, tx) =>
    {
        using var cmd = new NpgsqlCommand(
            """
            INSERT INTO pxe_document (name, body, version, server) VALUES ($1, $2, 1, $3)
            ON CONFLICT (name) DO UPDATE SET body = $2, version = pxe_document.version + 1, server = $3, updated = now();
            SELECT pg_notify('pxe_changed', $1);
            """.Replace("$1", "@name", StringComparison.Ordinal).Replace("$2", "@body", StringComparison.Ordinal).Replace("$3", "@server", StringComparison.Ordinal),
            c,
            tx);
        cmd.Parameters.AddWithValue("name", NpgsqlDbType.Text, name);
        cmd.Parameters.AddWithValue("body", NpgsqlDbType.Text, body);
        cmd.Parameters.AddWithValue("server", NpgsqlDbType.Text, store.ServerName);
        return cmd.ExecuteNonQuery();
    });
}
