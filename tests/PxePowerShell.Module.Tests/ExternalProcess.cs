using System.Diagnostics;

namespace PxePowerShell.Module.Tests;

/// <summary>Runs real client programs (curl, atftp, pxeps) with a timeout and captures what they print.</summary>
internal static class ExternalProcess
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string file, string arguments, IDictionary<string, string>? environment = null, int timeoutMs = 60_000)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                info.Environment[k] = v;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeoutMs} ms");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking it every 50 ms: a bounded poll of an observable state
    /// (a server list, an event history) for which no notification exists, not a sleep standing in for synchronisation.
    /// </summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        using var tick = new ManualResetEventSlim();
        while (!condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                return false;
            }

            tick.Wait(50);
        }

        return true;
    }
}
