namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>The tests that share one throwaway <see cref="PostgresCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
