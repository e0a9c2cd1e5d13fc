namespace PxePowerShell.Engine.Storage;

/// <summary>The stable error identifiers of a shared database store (<see cref="PxeStorageException.ErrorId"/>; ErrorRecord ErrorIds in the cmdlets).</summary>
public static class StoreErrorIds
{
    /// <summary>The store setting (a connection string) cannot be parsed or names no database.</summary>
    public const string InvalidStoreSetting = "InvalidStoreSetting";

    /// <summary>The database cannot be reached (refused, unknown host, authentication, no such database).</summary>
    public const string StoreUnreachable = "StoreUnreachable";

    /// <summary>The database's schema was migrated by a newer module than this one.</summary>
    public const string StoreSchemaTooNew = "StoreSchemaTooNew";

    /// <summary>The address is leased unexpired to another client by another server: the lease was not recorded (and is not acknowledged).</summary>
    public const string LeaseHeld = "LeaseHeld";

    /// <summary>The database refused an operation (a constraint, a lost connection mid-transaction).</summary>
    public const string StoreFailed = "StoreFailed";
}
