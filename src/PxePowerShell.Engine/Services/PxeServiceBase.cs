using System.Net;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Services;

/// <summary>
/// The life cycle every server shares: created → running → stopping → stopped (or faulted), a lifetime
/// token that ends the receive loops, ServerStarted/ServerStopped events and a completion task.
/// Derived servers bind their sockets in <see cref="OnStartAsync"/> and release them in <see cref="OnStopAsync"/>.
/// </summary>
public abstract class PxeServiceBase : IPxeService
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();
    private int _state = (int)PxeServerState.Created;

    /// <summary>Creates the base of a server.</summary>
    protected PxeServiceBase(string name, string role, EventHub? events, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Role = role;
        Events = events ?? new EventHub();
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Role { get; }

    /// <inheritdoc />
    public PxeServerState State => (PxeServerState)Volatile.Read(ref _state);

    /// <inheritdoc />
    public DateTimeOffset? StartTime { get; private set; }

    /// <inheritdoc />
    public abstract IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <inheritdoc />
    public EventHub Events { get; }

    /// <inheritdoc />
    public Task Completion => _completion.Task;

    /// <summary>The error that faulted the server, if any.</summary>
    public Exception? FaultException { get; private set; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>Cancelled when the server stops; receive loops end on it.</summary>
    protected CancellationToken Lifetime => _lifetime.Token;

    /// <inheritdoc />
    /// <remarks>Servers override it with their own statistics type as the return type.</remarks>
    public abstract IPxeServiceStatistics GetStatistics();

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (State != PxeServerState.Created)
            {
                throw new InvalidOperationException($"The server '{Name}' has already been started.");
            }

            _state = (int)PxeServerState.Running;
        }

        try
        {
            await OnStartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref _state, (int)PxeServerState.Faulted);
            _lifetime.Cancel();
            await SafeStopAsync().ConfigureAwait(false);
            _completion.TrySetResult();
            throw;
        }

        StartTime = Time.GetUtcNow();
        Publish(new PxeEvent { Kind = PxeEventKind.ServerStarted, Time = Time.GetUtcNow(), Server = Name, Reason = string.Join(", ", EndPoints) });
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!TryBeginStop())
        {
            // Already on its way down (or never started, and stopped just now): wait for it.
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            _lifetime.Cancel();
            await SafeStopAsync().ConfigureAwait(false);
        }
        finally
        {
            // Whatever the sockets said on the way down, the server is stopped: a second stop must not wait forever.
            Volatile.Write(ref _state, (int)PxeServerState.Stopped);
            Publish(new PxeEvent { Kind = PxeEventKind.ServerStopped, Time = Time.GetUtcNow(), Server = Name, Error = FaultException?.Message });
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// Moves a running server to Stopping; true when this call is the one that stops it. A server never started
    /// is stopped at once, and one already stopping, stopped or faulted is left to the stop under way.
    /// </summary>
    private bool TryBeginStop()
    {
        lock (_gate)
        {
            var state = State;
            if (state is PxeServerState.Stopping or PxeServerState.Stopped or PxeServerState.Faulted)
            {
                return false;
            }

            if (state == PxeServerState.Created)
            {
                _state = (int)PxeServerState.Stopped;
                _completion.TrySetResult();
                return false;
            }

            _state = (int)PxeServerState.Stopping;
            return true;
        }
    }

    /// <summary>Stops the server because of an error it cannot recover from.</summary>
    protected void Fault(Exception exception)
    {
        lock (_gate)
        {
            if (State is PxeServerState.Stopped or PxeServerState.Faulted)
            {
                return;
            }

            FaultException = exception;
            _state = (int)PxeServerState.Faulted;
        }

        _lifetime.Cancel();
        _ = Task.Run(async () =>
        {
            try
            {
                await SafeStopAsync().ConfigureAwait(false);
            }
            finally
            {
                Publish(new PxeEvent { Kind = PxeEventKind.ServerStopped, Time = Time.GetUtcNow(), Server = Name, Error = exception.Message });
                _completion.TrySetResult();
            }
        });
    }

    /// <summary>Publishes an event on this server's hub.</summary>
    protected void Publish(PxeEvent pxeEvent) => Events.Publish(pxeEvent);

    /// <summary>Binds sockets and starts receive loops (which end on <see cref="Lifetime"/>).</summary>
    protected abstract Task OnStartAsync(CancellationToken cancellationToken);

    /// <summary>Closes sockets and waits for the loops to end. Called once, also after a failed start.</summary>
    protected abstract Task OnStopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task SafeStopAsync()
    {
        try
        {
            await OnStopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Stopping tears sockets down; their complaints are expected.
        }
        catch (Exception ex)
        {
            // A receive loop that died of an unexpected error rethrows it here; the stop still completes, and the
            // error is kept for the ServerStopped event and FaultException.
            FaultException ??= ex;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Role} {Name} ({State})";
}
