using System.Collections.Concurrent;
using System.Diagnostics;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The README's "run it" command: pxeps with no arguments runs Start-PxeServer on the sample root. Run as root inside a
/// namespace this test creates (it binds 67, 69 and 4011 there), fetched with curl over TFTP and HTTP, stopped by SIGTERM
/// as systemd would: exit code 0 and every port released.
/// </summary>
public sealed class ReadmeRunCommandTests : IDisposable
{
    private readonly string _namespace = "pxr-" + Guid.NewGuid().ToString("N")[..6];
    private bool _created;

    [Fact]
    public void Pxeps_without_arguments_serves_the_sample_root_and_stops_cleanly_on_SIGTERM()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root and iproute2");
        _created = true;
        foreach (var command in new[]
        {
            $"netns add {_namespace}",
            $"-n {_namespace} link set lo up",
            $"-n {_namespace} link add pxr0 type veth peer name pxr1",
            $"-n {_namespace} addr add 10.204.0.1/24 dev pxr0",
            $"-n {_namespace} link set pxr0 up",
            $"-n {_namespace} link set pxr1 up",
        })
        {
            var r = ExternalProcess.Run("ip", command);
            Assert.True(r.ExitCode == 0, $"ip {command}: {r.StdErr}");
        }

        string pxeps = Path.Combine(ModuleHost.RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        var lines = new BlockingCollection<string>();
        using var process = Process.Start(new ProcessStartInfo("ip", $"netns exec {_namespace} dotnet {pxeps}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // HTTP, TFTP, proxyDHCP and the whole server each announce themselves.
            var seen = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (seen.Count(l => l.Contains("ServerStarted", StringComparison.Ordinal)) < 4)
            {
                Assert.True(lines.TryTake(out var line, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero), "pxeps did not start: " + string.Join(" | ", seen));
                Assert.DoesNotContain("error", line, StringComparison.OrdinalIgnoreCase);
                seen.Add(line);
            }

            Assert.Contains(seen, l => l.Contains("10.204.0.1:67, 10.204.0.1:4011", StringComparison.Ordinal));
            string hello = File.ReadAllText(Path.Combine(ModuleHost.SampleRoot, "hello.txt"));
            Assert.Equal(hello, ExternalProcess.Run("ip", $"netns exec {_namespace} curl -s --max-time 20 tftp://127.0.0.1/hello.txt").StdOut);
            Assert.StartsWith("#!ipxe", ExternalProcess.Run("ip", $"netns exec {_namespace} curl -s --max-time 20 http://10.204.0.1:8080/boot.ipxe").StdOut, StringComparison.Ordinal);

            // SIGTERM reaches pxeps through `ip netns exec` (which execs it).
            Assert.Equal(0, ExternalProcess.Run("kill", $"-TERM {process.Id}").ExitCode);
            Assert.True(process.WaitForExit(30_000), "pxeps did not stop after SIGTERM");
            Assert.Equal(0, process.ExitCode);
            string sockets = ExternalProcess.Run("ip", $"netns exec {_namespace} ss -Hlunt").StdOut;
            Assert.True(sockets.Trim().Length == 0, "ports still bound after the stop: " + sockets);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        void Add(string? line)
        {
            if (line is not null && !lines.IsAddingCompleted)
            {
                lines.Add(line);
            }
        }
    }

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public void Dispose()
    {
        if (_created)
        {
            ExternalProcess.Run("ip", $"netns del {_namespace}");
        }
    }
}
