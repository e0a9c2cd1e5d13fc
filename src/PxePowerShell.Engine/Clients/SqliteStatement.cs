using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// One SQL statement prepared once on a connection and run many times inside its transaction, its parameters bound
/// by position (each name looked up once, at preparation). The inventory's two statements of every sighting run
/// through it: through <see cref="SqliteCommand"/> each run looked every parameter up by name again and built a
/// reader, which at a few thousand DORA/s (four sightings each) cost more than SQLite's own work.
/// </summary>
/// <remarks>Failures are <see cref="SqliteException"/>s, as the commands' are, so the store maps both the same way.</remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>Prepares <paramref name="sql"/> (one statement) on the open <paramref name="connection"/>.</summary>
    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>The position of the parameter named <paramref name="name"/> (e.g. <c>$mac</c>); 0 when the statement has none.</summary>
    public int Position(string name) => raw.sqlite3_bind_parameter_index(_statement, name);

    /// <summary>Binds a text, or NULL for null, at <paramref name="position"/> (0: the statement has no such parameter).</summary>
    public void Bind(int position, string? value)
    {
        if (position > 0)
        {
            Check(value is null ? raw.sqlite3_bind_null(_statement, position) : raw.sqlite3_bind_text(_statement, position, value));
        }
    }

    /// <summary>Binds an integer, or NULL for null, at <paramref name="position"/> (0: the statement has no such parameter).</summary>
    public void Bind(int position, long? value)
    {
        if (position > 0)
        {
            Check(value is { } v ? raw.sqlite3_bind_int64(_statement, position, v) : raw.sqlite3_bind_null(_statement, position));
        }
    }

    /// <summary>Runs the statement; the first column of its first row as an integer (null without a row), then resets it.</summary>
    public long? Run()
    {
        try
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
