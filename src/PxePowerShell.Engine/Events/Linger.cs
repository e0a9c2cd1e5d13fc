using System.Threading.Channels;

namespace PxePowerShell.Engine.Events;

/// <summary>
/// The short wait of a background consumer that has just been woken by one item, so that the items arriving meanwhile
/// are handled in the same batch: at a few thousand DHCP events a second a consumer that woke for every item cost a
/// thread-pool hop (and a store transaction) per item. <see cref="Hurry"/> ends the current wait, or the next one,
/// at once — for a caller that waits for the consumer (a flush) or for a stop.
/// </summary>
internal sealed class Linger
{
    /// <summary>
    /// The linger of the background writers of the client inventory and the event store: 20 ms, so a store sees tens
    /// of transactions a second under a boot storm rather than one per event, and a client is in the inventory well
    /// within the second its events are.
    /// </summary>
    public static readonly TimeSpan ForBatches = TimeSpan.FromMilliseconds(20);

    private readonly TimeSpan _time;
    private readonly TimeProvider _clock;
    private TaskCompletionSource? _current;
    private int _hurried;

    /// <param name="time">How long a wait lasts when nothing hurries it; zero never waits.</param>
    /// <param name="clock">The clock of the wait (the tests' fake clock).</param>
    public Linger(TimeSpan time, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        _time = time;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// Waits until <paramref name="reader"/> has an item (false: it is completed and empty). A consumer that had to wait
    /// for it — it was idle, and the item woke it — then lingers, unless <paramref name="enough"/> items are there
    /// already; a consumer that finds items waiting goes on at once, so under a steady load it never lingers.
    /// </summary>
    public async ValueTask<bool> WaitToReadAsync<T>(ChannelReader<T> reader, int enough = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var ready = reader.WaitToReadAsync();
        if (ready.IsCompleted)
        {
            return await ready.ConfigureAwait(false);
        }

        if (!await ready.ConfigureAwait(false))
        {
            return false;
        }

        if (!reader.CanCount || reader.Count < enough)
        {
            await WaitAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Waits for the linger time, or less when <see cref="Hurry"/> is (or was since the last wait) called.</summary>
    public async Task WaitAsync()
    {
        if (_time == TimeSpan.Zero || Interlocked.Exchange(ref _hurried, 0) != 0)
        {
            return;
        }

        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _current, woken);
        if (Interlocked.Exchange(ref _hurried, 0) == 0)
        {
            // A Hurry after the exchange above completes `woken`; one before it was seen just now.
            using var timeout = new CancellationTokenSource(_time, _clock);
            using var registration = timeout.Token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), woken);
            await woken.Task.ConfigureAwait(false);
        }

        Interlocked.CompareExchange(ref _current, null, woken);
        Interlocked.Exchange(ref _hurried, 0);
    }

    /// <summary>Ends the wait in progress, or makes the next one return at once.</summary>
    public void Hurry()
    {
        Interlocked.Exchange(ref _hurried, 1);
        Volatile.Read(ref _current)?.TrySetResult();
    }
}
