using System.Diagnostics;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// When an I/O thread polls without sleeping. After a batch that served sessions it polls for a few
/// microseconds: in lock-step the next ACK usually comes back within a round trip, and catching it here saves
/// a sleep and a wake-up. Slow clients (firmware, an emulated guest: hundreds of µs per ACK) never answer
/// within the window; after a few empty windows polling stops, so the core is left to others, and it is
/// probed again now and then.
/// </summary>
internal struct BusyPoll
{
    private static readonly long WindowTicks = Stopwatch.Frequency * 50 / 1_000_000; // 50 µs
    private const int MaxMisses = 4; // windows in a row that caught nothing before polling stops
    private const int ProbeInterval = 64; // while stopped, every 64th busy wake-up polls once to see whether it pays again

    private long _until;
    private int _misses;
    private int _wakeups;

    /// <summary>Whether the next wait should return at once instead of sleeping.</summary>
    public readonly bool Polling => _until != 0;

    /// <summary>A non-sleeping wait found nothing: the window ends once its time is up.</summary>
    public void OnEmpty()
    {
        if (_until != 0 && Stopwatch.GetTimestamp() >= _until)
        {
            _until = 0;
            _misses++;
        }
    }

    /// <summary>A wait returned work; <paramref name="served"/>: some of it was sessions' datagrams.</summary>
    public void OnBatch(bool served)
    {
        if (_until != 0)
        {
            _misses = 0; // the window caught this batch
        }

        bool poll = served && (_misses < MaxMisses || ++_wakeups % ProbeInterval == 0);
        _until = poll ? Stopwatch.GetTimestamp() + WindowTicks : 0;
    }
}
