using Npgsql;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The one dedicated connection of a <see cref="PostgresStore"/> that LISTENs on <see cref="PostgresDocuments.Channel"/>
/// (docs/fleet.md): every change another server makes is announced there with the name of what changed
/// (<c>reservations</c>, <c>boot-entries</c>, ...), and <see cref="Changed"/> passes the name on. When the connection
/// breaks (the database restarted, the network failed) it connects again with back-off (0.1 s doubling to 5 s) and then
/// announces <see cref="Everything"/>, because what changed meanwhile was announced to nobody: subscribers re-read all
/// they hold. Started by the first subscriber; stopped (bounded) when the store is disposed.
/// </summary>
internal sealed class PostgresChangeListener : IDisposable
{
    /// <summary>The name announced after every (re)connection: anything may have changed.</summary>
    public const string Everything = "*";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _loop;
    private int _connections;

    /// <param name="settings">The store's settings; the listener's connection is its own (no pool), with keepalives so a dead network is noticed.</param>
    public PostgresChangeListener(NpgsqlConnectionStringBuilder settings)
    {
        var own = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false, KeepAlive = 5 };
        _connectionString = own.ConnectionString;
    }

    /// <summary>Raised on the listener's thread with the name of what changed, or <see cref="Everything"/>; handlers must not throw.</summary>
    public event Action<string>? Changed;

    /// <summary>How many times the listener connected (1 after the first start; each reconnection adds one).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>True while the listener holds its connection and LISTENs.</summary>
    public bool Listening { get; private set; }

    /// <summary>Starts listening (once; later calls do nothing).</summary>
    public void Start()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        // The loop ends at its next await (cancellation closes the connection); bounded, whatever the database does.
        if (loop is null || loop.Wait(TimeSpan.FromSeconds(5)))
        {
            _stop.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var delay = FirstRetry;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(token).ConfigureAwait(false);
                connection.Notification += (_, e) => Raise(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresDocuments.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                Listening = true;
                Interlocked.Increment(ref _connections);
                delay = FirstRetry;
                Raise(Everything); // whatever changed before this LISTEN was announced to nobody
                while (true)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // The database went away: connect again after a back-off, then announce everything.
            }
            finally
            {
                Listening = false;
            }

            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = delay * 2 > LastRetry ? LastRetry : delay * 2;
        }
    }

    private void Raise(string name)
    {
        try
        {
            Changed?.Invoke(name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A subscriber's failure must not stop the announcements for the others.
        }
    }
}
