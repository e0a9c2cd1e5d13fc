using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>The listening sockets of one DHCP or proxyDHCP server: opened together, run together, closed together.</summary>
internal sealed class DhcpListenerGroup
{
    private readonly List<DhcpListener> _listeners = [];
    private readonly List<Task> _loops = [];

    /// <summary>Where the listeners are bound (the interface address and the actual port).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; private set; } = [];

    /// <summary>Opens a listener on <paramref name="iface"/>; throws when the port cannot be bound.</summary>
    public void Open(DhcpInterface iface, int port, bool pxePort, bool bindToDevice) =>
        _listeners.Add(DhcpListener.Open(iface, port, pxePort, bindToDevice));

    /// <summary>
    /// Starts one receive loop per listener, each on a thread of its own (blocking receives, see
    /// <see cref="DhcpListener.Run"/>); they end when <paramref name="lifetime"/> is cancelled or the group stops.
    /// </summary>
    public void Start(DhcpListener.Handler handler, DhcpCounters counters, CancellationToken lifetime)
    {
        EndPoints = _listeners.ConvertAll(l => l.LocalEndPoint);
        foreach (var listener in _listeners)
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    listener.Run(handler, counters, lifetime);
                    ended.TrySetResult();
                }
                catch (Exception ex)
                {
                    ended.TrySetException(ex);
                }
            })
            {
                IsBackground = true,
                Name = "dhcp receive " + listener.Interface.Name,
            };
            thread.Start();
            _loops.Add(ended.Task);
        }
    }

    /// <summary>A commit completed: every listener sends the replies it released (<see cref="DhcpListener.SendCommitted"/>).</summary>
    public void SendCommitted()
    {
        foreach (var listener in _listeners)
        {
            listener.SendCommitted();
        }
    }

    /// <summary>Closes every listener (also those opened before a failed start) and waits for the loops to end.</summary>
    public async Task StopAsync()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
    }
}
