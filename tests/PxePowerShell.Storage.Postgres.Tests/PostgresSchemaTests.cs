using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresCluster cluster)
{
    [Fact]
    public void An_empty_database_is_migrated_to_the_current_version_once()
    {
        string db = cluster.CreateDatabase();
        using (var first = PostgresStore.Open(db))
        {
            Assert.Equal(0, first.FoundSchemaVersion);
        }

        using var second = PostgresStore.Open(db);
        Assert.Equal(PostgresStore.SchemaVersion, second.FoundSchemaVersion);
        Assert.Equal((long)SchemaMigrator.Migrations.Count, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_schema_version")); // one row per migration (numbers may skip)
        Assert.Equal(PostgresStore.SchemaVersion, PostgresCluster.Scalar(db, "SELECT max(version) FROM pxe_schema_version"));
    }

    [Fact]
    public void Servers_starting_together_migrate_once()
    {
        string db = cluster.CreateDatabase();
        var stores = new PostgresStore[8];
        Parallel.For(0, stores.Length, i => stores[i] = PostgresStore.Open(db, $"server{i}"));
        try
        {
            Assert.Single(stores, s => s.FoundSchemaVersion == 0);
            Assert.Equal((long)SchemaMigrator.Migrations.Count, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_schema_version")); // one row per migration (numbers may skip)
        }
        finally
        {
            foreach (var s in stores)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void A_schema_newer_than_the_module_is_refused_with_StoreSchemaTooNew()
    {
        string db = cluster.CreateDatabase();
        PostgresStore.Open(db).Dispose();
        PostgresCluster.Scalar(db, "INSERT INTO pxe_schema_version (version, name) VALUES (999, '0999_from_the_future')");

        var ex = Assert.Throws<PxeStorageException>(() => PostgresStore.Open(db));
        Assert.Equal(StoreErrorIds.StoreSchemaTooNew, ex.ErrorId);
        Assert.Equal(PxeErrorCategory.InvalidData, ex.Category);
        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
        Assert.Contains("update the PxePowerShell module", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_refuses_connections_is_StoreUnreachable()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var ex = Assert.Throws<PxeStorageException>(() => PostgresStore.Open($"Host=127.0.0.1;Port={port};Database=pxe;Username=pxe;Password=secret;Timeout=5"));
        Assert.Equal(StoreErrorIds.StoreUnreachable, ex.ErrorId);
        Assert.Equal(PxeErrorCategory.ResourceUnavailable, ex.Category);
        Assert.Contains($"127.0.0.1:{port}/pxe", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_database_is_StoreUnreachable_and_says_to_create_it()
    {
        var ex = Assert.Throws<PxeStorageException>(() => PostgresStore.Open($"Host={cluster.Host};Username=postgres;Database=no_such_db"));
        Assert.Equal(StoreErrorIds.StoreUnreachable, ex.ErrorId);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hots=db;Database=pxe")]
    [InlineData("Database=pxe")]
    [InlineData("not a connection string")]
    public void A_malformed_setting_is_InvalidStoreSetting(string setting)
    {
        var ex = Assert.Throws<PxeStorageException>(() => PostgresStore.Open(setting));
        Assert.Equal(StoreErrorIds.InvalidStoreSetting, ex.ErrorId);
    }
}
