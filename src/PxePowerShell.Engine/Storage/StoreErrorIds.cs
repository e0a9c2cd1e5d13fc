namespace PxePowerShell.Engine.Storage;

/// <summary>The stable error identifiers of the stores (used as ErrorRecord ErrorIds by the cmdlets).</summary>
public static class StoreErrorIds
{
    /// <summary>The store setting (a connection string) cannot be parsed or names no database.</summary>
    public const string InvalidStoreSetting = "InvalidStoreSetting";

    /// <summary>The database cannot be reached (refused, unknown host, authentication, no such database).</summary>
    public const string StoreUnreachable = "StoreUnreachable";

    /// <summary>The database's schema was migrated by a newer module than this one.</summary>
    public const string StoreSchemaTooNew = "StoreSchemaTooNew";

    /// <summary>The database refused an operation (a constraint, a lost connection mid-transaction).</summary>
    public const string StoreFailed = "StoreFailed";
}
