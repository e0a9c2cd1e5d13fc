using System.Diagnostics;
using Npgsql;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the tests (Debian's <c>postgresql</c> package): initdb into a temporary
/// directory as the <c>postgres</c> user when the tests run as root, a server listening only on a Unix socket in that
/// directory, stopped (immediate) and removed when the collection ends, whatever the tests did.
/// Each test creates its own database (<see cref="CreateDatabase"/>), so tests stay independent. Shared (linked) by the
/// PostgreSQL store's tests and the module tests.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly string _directory;
    private readonly string _data;
    private readonly bool _asPostgres;
    private int _databases;

    public PostgresCluster()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb); install the Debian package postgresql (tests/apt-packages.txt).");
        }

        _asPostgres = Environment.UserName == "root";
        _directory = Directory.CreateTempSubdirectory("pxepg-").FullName;
        _data = Path.Combine(_directory, "data");
        try
        {
            if (_asPostgres)
            {
                Run("chown", "postgres:postgres", _directory);
            }

            Pg("initdb", "-D", _data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C");
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }

        Host = _directory;
    }

    /// <summary>The Unix-socket directory (Npgsql's Host= for a socket).</summary>
    public string Host { get; }

    /// <summary>Starts the server (again, after <see cref="Stop"/>) on the same socket.</summary>
    public void Start() =>
        Pg("pg_ctl", "start", "-w", "-t", "60", "-D", _data, "-l", Path.Combine(_directory, "server.log"),
            "-o", $"-c listen_addresses='' -k {_directory} -c fsync=off -c synchronous_commit=off -c max_connections=200");

    /// <summary>Stops the server at once (an outage: connections are cut, the socket goes away) until <see cref="Start"/>.</summary>
    public void Stop() => Pg("pg_ctl", "stop", "-w", "-t", "60", "-m", "immediate", "-D", _data);

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public string CreateDatabase()
    {
        string name = $"pxe_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        using (var connection = new NpgsqlConnection($"Host={Host};Username=postgres;Database=postgres;Pooling=false"))
        {
            connection.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            cmd.ExecuteNonQuery();
        }

        return $"Host={Host};Username=postgres;Database={name}";
    }

    /// <summary>Runs one statement in a database and returns the first column of the first row.</summary>
    public static object? Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        return cmd.ExecuteScalar();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                Pg("pg_ctl", "stop", "-w", "-t", "60", "-m", "immediate", "-D", _data);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Pg(string tool, params string[] arguments)
    {
        string path = Path.Combine(BinDirectory, tool);
        if (_asPostgres)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} {output.Result}");
        }
    }
}
