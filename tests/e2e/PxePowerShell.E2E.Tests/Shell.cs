using System.Diagnostics;
using System.Text;

namespace PxePowerShell.E2E.Tests;

/// <summary>Runs lab commands (ip, dnsmasq, qemu, pxeps) and waits on their output with timeouts.</summary>
public static class Shell
{
    /// <summary>Runs a command to its end; fails the test when it fails.</summary>
    public static string Run(string file, string arguments, int timeoutMs = 60_000, bool check = true)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {arguments} timed out");
        }

        if (check)
        {
            Assert.True(process.ExitCode == 0, $"{file} {arguments}: exit {process.ExitCode} {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Starts a long-running command whose output lines are collected.</summary>
    public static Background Start(string file, string arguments, IDictionary<string, string>? environment = null) =>
        new(file, arguments, environment);

    /// <summary>A running process and its output lines (stdout and stderr).</summary>
    public sealed class Background : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly SemaphoreSlim _arrived = new(0);

        // Set when both stdout and stderr reached their end. HasExited turns true as the process ends, before the
        // reader threads deliver the last lines still in the pipe: only after both ends is the output complete.
        private readonly CountdownEvent _streamsEnded = new(2);

        internal Background(string file, string arguments, IDictionary<string, string>? environment)
        {
            var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                info.Environment[key] = value;
            }

            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => Add(e.Data);
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>Everything printed so far.</summary>
        public string Output
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        /// <summary>Waits until a line satisfies <paramref name="match"/>; fails the test on timeout or exit.</summary>
        public string WaitForLine(Func<string, bool> match, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            int seen = 0;
            while (true)
            {
                // Read before the scan: when the output was complete before it, no line can come after it.
                bool complete = _process.HasExited && _streamsEnded.IsSet;
                lock (_lines)
                {
                    for (; seen < _lines.Count; seen++)
                    {
                        if (match(_lines[seen]))
                        {
                            return _lines[seen];
                        }
                    }
                }

                if (complete)
                {
                    Assert.Fail($"{what}: the process exited ({_process.ExitCode}). Output:\n{Tail()}");
                }

                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"{what}: not within {timeout.TotalSeconds:0} s. Output:\n{Tail()}");
                _arrived.Wait(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
        }

        /// <summary>Kills the process with SIGKILL (a crash: no stop code runs) and waits for it to end.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(15_000);
            }
        }

        /// <summary>Stops the process (SIGTERM, then kill).</summary>
        public void Stop()
        {
            if (!_process.HasExited)
            {
                Run("kill", $"-TERM {_process.Id}", check: false);
                if (!_process.WaitForExit(15_000))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5_000);
                }
            }
        }

        private string Tail()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines.TakeLast(40));
            }
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                _streamsEnded.Signal();
                _arrived.Release();
                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
            }

            _arrived.Release();
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Stop();
            _process.Dispose();
        }
    }
}
