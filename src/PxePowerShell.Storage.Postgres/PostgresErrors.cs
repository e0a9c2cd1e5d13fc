using System.Net.Sockets;
using Npgsql;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>Turns Npgsql's exceptions into <see cref="PxeStorageException"/>s with a stable id and a message that says what to do.</summary>
internal static class PostgresErrors
{
    /// <summary>The failure to open or migrate the database named by <paramref name="where"/> (host and database, no password).</summary>
    public static PxeStorageException Open(Exception exception, string where) => exception switch
    {
        PxeStorageException s => s,
        PostgresException { SqlState: "3D000" } p => new(StoreErrorIds.StoreUnreachable, PxeErrorCategory.ResourceUnavailable, $"The database {where} does not exist ({p.MessageText}); create it (createdb) or fix Database= in the store setting.", exception),
        PostgresException { SqlState: "28P01" or "28000" } p => new(StoreErrorIds.StoreUnreachable, PxeErrorCategory.PermissionDenied, $"PostgreSQL at {where} refused the login ({p.MessageText}); fix Username=/Password= in the store setting or pg_hba.conf.", exception),
        PostgresException p => new(StoreErrorIds.StoreFailed, PxeErrorCategory.WriteError, $"PostgreSQL at {where} refused to set up the schema: {p.SqlState} {p.MessageText}.", exception),
        NpgsqlException or SocketException or TimeoutException or IOException => new(StoreErrorIds.StoreUnreachable, PxeErrorCategory.ResourceUnavailable, $"PostgreSQL at {where} cannot be reached ({Innermost(exception).Message}); check that it runs and that Host=/Port= in the store setting are right.", exception),
        _ => new(StoreErrorIds.StoreFailed, PxeErrorCategory.ResourceUnavailable, $"The store at {where} failed: {exception.Message}", exception),
    };

    /// <summary>The failure of one operation on an open store.</summary>
    public static PxeStorageException Operation(Exception exception, string where, string operation) => exception switch
    {
        PxeStorageException s => s,
        PostgresException p => new(StoreErrorIds.StoreFailed, PxeErrorCategory.WriteError, $"PostgreSQL at {where} refused to {operation}: {p.SqlState} {p.MessageText}.", exception),
        _ => new(StoreErrorIds.StoreUnreachable, PxeErrorCategory.ResourceUnavailable, $"PostgreSQL at {where} could not {operation} ({Innermost(exception).Message}); nothing was recorded.", exception),
    };

    /// <summary>True for the errors after which the whole transaction is simply run again (a unique violation from a concurrent allocation of the same client, a serialization failure, a deadlock).</summary>
    public static bool IsRetryable(Exception exception) =>
        exception is PostgresException { SqlState: "23505" or "40001" or "40P01" };

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
