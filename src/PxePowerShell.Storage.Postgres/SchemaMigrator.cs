using System.Reflection;
using Npgsql;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// Creates and migrates the schema: the ordered scripts embedded as <c>Migrations/NNNN_name.sql</c> that the database has
/// not seen yet, each recorded in <c>pxe_schema_version</c>, all in one transaction under an advisory lock so that servers
/// starting together migrate once. A database migrated by a newer module is refused (<see cref="StoreErrorIds.StoreSchemaTooNew"/>).
/// </summary>
internal static class SchemaMigrator
{
    private const long LockKey = 0x5058_4550_5347; // "PXEPSG": one advisory lock for every migrating server

    /// <summary>The migrations this module knows, in order: (version, name, script).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = Load();

    /// <summary>The schema version this module migrates to.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>Brings the database's schema to <see cref="CurrentVersion"/>; returns the version it found.</summary>
    public static int Migrate(NpgsqlConnection connection, string where)
    {
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, $"SELECT pg_advisory_xact_lock({LockKey})");
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS pxe_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
        int found;
        using (var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM pxe_schema_version", connection, tx))
        {
            found = Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (found > CurrentVersion)
        {
            throw new PxeStorageException(StoreErrorIds.StoreSchemaTooNew, PxeErrorCategory.InvalidData, $"The database {where} has schema version {found}, newer than this module's {CurrentVersion}; update the PxePowerShell module on this server (a newer server migrated it).");
        }

        foreach (var (version, name, sql) in Migrations)
        {
            if (version <= found)
            {
                continue;
            }

            Execute(connection, tx, sql);
            using var record = new NpgsqlCommand("INSERT INTO pxe_schema_version (version, name) VALUES ($1, $2)", connection, tx);
            record.Parameters.Add(new NpgsqlParameter { Value = version });
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            record.ExecuteNonQuery();
        }

        tx.Commit();
        return found;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var list = new List<(int, string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("Migrations.", StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string name = resource["Migrations.".Length..^".sql".Length];
            int version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException(resource);
            using var reader = new StreamReader(stream);
            list.Add((version, name, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return list;
    }
}
