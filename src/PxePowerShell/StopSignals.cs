using System.Reflection;
using System.Runtime.InteropServices;

namespace PxePowerShell;

/// <summary>
/// While a Start-* cmdlet runs with -Wait: SIGTERM and SIGINT (on Windows, Ctrl+C and closing the console)
/// cancel the process's default action (dying at once) and cancel <c>stopping</c> instead, so the cmdlet stops its server,
/// writes the stop events and returns normally — the rest of the pipeline runs and the process exits 0, as systemd expects.
/// While any is registered, <see cref="HandledKey"/> in <see cref="AppContext"/> is true: a host (pxeps) that stops its
/// pipeline on these signals leaves them to the cmdlet. In pwsh, whose console host answers SIGINT by stopping the
/// pipeline (so later commands never run and pwsh exits 1), that host's Ctrl+C handler is set aside meanwhile: Ctrl+C
/// and SIGINT then end the -Wait as SIGTERM does.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    /// <summary>The AppContext switch hosts read: true while a -Wait cmdlet handles SIGTERM and SIGINT itself.</summary>
    public const string HandledKey = "PxePowerShell.StopSignalsHandled";

    private static readonly object Gate = new();
    private static int s_active;

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenSource _stopping;
    private int _received;

    private StopSignals(CancellationTokenSource stopping) => _stopping = stopping;

    /// <summary>True once a signal asked for the stop (rather than PowerShell's own Ctrl+C handling or the server ending).</summary>
    public bool Received => Volatile.Read(ref _received) != 0;

    /// <summary>pwsh's console host's Ctrl+C handler while it is set aside (see <see cref="StopSignals"/>), else null.</summary>
    private static ConsoleCancelEventHandler? s_hostBreakHandler;

    /// <summary>Registers the handlers; each signal cancels <paramref name="stopping"/>. <paramref name="hostName"/> is the PSHost's name.</summary>
    public static StopSignals Register(CancellationTokenSource stopping, string hostName)
    {
        var signals = new StopSignals(stopping);
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
        {
            try
            {
                signals._registrations.Add(PosixSignalRegistration.Create(signal, signals.OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // A platform without this signal: the others still work.
            }
        }

        lock (Gate)
        {
            if (s_active++ == 0)
            {
                AppContext.SetData(HandledKey, true);
                s_hostBreakHandler = hostName == "ConsoleHost" ? ConsoleHostBreakHandler() : null;
                if (s_hostBreakHandler is not null)
                {
                    Console.CancelKeyPress -= s_hostBreakHandler;
                }
            }
        }

        return signals;
    }

    /// <summary>
    /// pwsh's own handler (Microsoft.PowerShell.ConsoleHost.MyBreakHandler, which its console host adds to
    /// <see cref="Console.CancelKeyPress"/> at start), or null in another host or a pwsh that no longer has it.
    /// </summary>
    private static ConsoleCancelEventHandler? ConsoleHostBreakHandler()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetName().Name == "Microsoft.PowerShell.ConsoleHost"
                && assembly.GetType("Microsoft.PowerShell.ConsoleHost")?.GetMethod("MyBreakHandler", BindingFlags.NonPublic | BindingFlags.Static, [typeof(object), typeof(ConsoleCancelEventArgs)]) is { } method)
            {
                return method.CreateDelegate<ConsoleCancelEventHandler>();
            }
        }

        return null;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Volatile.Write(ref _received, 1);
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The cmdlet already ended.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_registrations.Count == 0)
        {
            return;
        }

        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
        lock (Gate)
        {
            if (--s_active == 0)
            {
                AppContext.SetData(HandledKey, false);
                if (s_hostBreakHandler is not null)
                {
                    Console.CancelKeyPress += s_hostBreakHandler;
                    s_hostBreakHandler = null;
                }
            }
        }
    }
}
