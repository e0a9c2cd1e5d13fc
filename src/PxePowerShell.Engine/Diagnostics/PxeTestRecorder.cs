using System.Globalization;
using System.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>The steps of one simulated boot as they pass or fail, timed by one clock, with progress for the caller.</summary>
internal sealed class PxeTestRecorder
{
    private readonly TimeProvider _time;
    private readonly IProgress<PxeTestProgress>? _progress;

    public PxeTestRecorder(TimeProvider time, IProgress<PxeTestProgress>? progress)
    {
        _time = time;
        _progress = progress;
    }

    /// <summary>The steps so far, in order.</summary>
    public List<PxeTestStep> Steps { get; } = [];

    /// <summary>A timestamp to time a step from.</summary>
    public long Start() => _time.GetTimestamp();

    /// <summary>Tells the caller what a step is doing.</summary>
    public void Report(string step, string status, long bytes = 0, long? total = null) =>
        _progress?.Report(new PxeTestProgress(step, status, bytes, total));

    public void Pass(string step, long started, string detail, IPAddress? server = null, string? file = null, long bytes = 0) =>
        Steps.Add(new PxeTestStep(step, true, _time.GetElapsedTime(started), detail, null) { Server = server, File = file, Bytes = bytes });

    public void Fail(string step, long started, string error, IPAddress? server = null, string? file = null) =>
        Steps.Add(new PxeTestStep(step, false, _time.GetElapsedTime(started), null, error) { Server = server, File = file });

    /// <summary>A token cancelled after <paramref name="timeout"/> on this clock, or with <paramref name="cancellationToken"/>.</summary>
    public CancellationTokenSource Window(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = _time.CreateTimer(static s => { try { ((CancellationTokenSource)s!).Cancel(); } catch (ObjectDisposedException) { } }, cts, timeout, Timeout.InfiniteTimeSpan);
        cts.Token.Register(static t => ((ITimer)t!).Dispose(), timer);
        return cts;
    }

    /// <summary>"5 s" or "500 ms".</summary>
    public static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds)
        ? $"{t.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
        : $"{t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";
}
