using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// tests/PxePowerShell.DhcpTestHost in "pxe" mode (an all-in-one PxeServer with inventory and boot entries) as a child
/// process, optionally inside a network namespace (<c>ip netns exec</c> execs in place, so the process id is the server's).
/// </summary>
internal sealed class PxeHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private bool _disposed;

    private PxeHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static async Task<PxeHostProcess> StartAsync(string? netns, params string[] arguments)
    {
        string dotnet = File.Exists("/usr/share/dotnet/dotnet") ? "/usr/share/dotnet/dotnet" : "dotnet";
        string dll = Path.Combine(AppContext.BaseDirectory, "PxePowerShell.DhcpTestHost.dll");
        string[] command = netns is null ? [dotnet, dll, "pxe", .. arguments] : ["ip", "netns", "exec", netns, dotnet, dll, "pxe", .. arguments];
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command[1..])
        {
            psi.ArgumentList.Add(a);
        }

        var host = new PxeHostProcess(Process.Start(psi)!);
        host._process.ErrorDataReceived += (_, e) =>
        {
            lock (host._errors)
            {
                host._errors.AppendLine(e.Data);
            }
        };
        host._process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await host._process.StandardOutput.ReadLineAsync(cts.Token);
        if (line != "READY")
        {
            host.Kill();
            await host._process.WaitForExitAsync(cts.Token);
            throw new InvalidOperationException($"the PXE test host did not start: {line} {host.Errors}");
        }

        return host;
    }

    /// <summary>The host's counters, heap after a full GC, VmRSS, descriptors and UDP drops (see PxeHost in the test host).</summary>
    public async Task<JsonElement> StatsAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string line = await _process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the PXE test host exited: " + Errors);
            if (line.StartsWith("STATS ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
            }
        }
    }

    /// <summary>Polls the counters until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public Task<JsonElement> WaitForStatsAsync(Func<JsonElement, bool> condition, TimeSpan timeout, string what) =>
        WaitForStatsAsync(condition, timeout, stats => $"{what} did not happen within {timeout}: {stats}");

    /// <summary>
    /// Polls until no descriptor is open that was not open at <paramref name="baseline"/>: a socket whose last asynchronous
    /// operation is still being aborted closes a moment after its transfer is counted as ended, a leaked one never does.
    /// A descriptor of the baseline that has closed since is not a leak: the baseline may have been read while the
    /// warm-up's last sockets were still closing (16 such were seen in CI).
    /// </summary>
    public Task<JsonElement> WaitForDescriptorsAsync(JsonElement baseline, TimeSpan timeout)
    {
        string[] expected = Descriptors(baseline);
        return WaitForStatsAsync(
            stats => Opened(expected, Descriptors(stats)).Count == 0,
            timeout,
            stats =>
            {
                string[] now = Descriptors(stats);
                return $"descriptors opened since the baseline were still open after {timeout}: {string.Join(", ", Opened(expected, now))} ({expected.Length} → {now.Length})";
            });
    }

    /// <summary>The descriptors of <paramref name="now"/> beyond those of <paramref name="baseline"/> (a multiset difference: two handles on one file are two).</summary>
    private static List<string> Opened(string[] baseline, string[] now)
    {
        var left = baseline.GroupBy(d => d, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var opened = new List<string>();
        foreach (string d in now)
        {
            if (left.TryGetValue(d, out int n) && n > 0)
            {
                left[d] = n - 1;
            }
            else
            {
                opened.Add(d);
            }
        }

        return opened;
    }

    /// <summary>Polls the counters every 50 ms until <paramref name="condition"/> holds; fails with <paramref name="failure"/> of the last snapshot after <paramref name="timeout"/>.</summary>
    private async Task<JsonElement> WaitForStatsAsync(Func<JsonElement, bool> condition, TimeSpan timeout, Func<JsonElement, string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await StatsAsync();
            if (condition(stats))
            {
                return stats;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException(failure(stats));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The open descriptors' targets in a stats snapshot, without the runtime's assemblies (mapped once, when first used)
    /// and without "?": a descriptor the host listed but could no longer read the target of had closed in between (the
    /// listing's own directory handle is always one).
    /// </summary>
    public static string[] Descriptors(JsonElement stats) =>
        stats.GetProperty("Descriptors").EnumerateArray().Select(d => d.GetString()!).Where(d => d != "?" && !d.EndsWith(".dll", StringComparison.Ordinal)).ToArray();

    /// <summary>SIGKILL.</summary>
    public void Kill() => _process.Kill();

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>Closes stdin (the host stops its server and exits) and waits.</summary>
    public async Task StopAsync()
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
