using System.Collections.Concurrent;
using System.Diagnostics;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The README's "run it" command, taken from the README and run as written (`dotnet tool restore && dotnet pwsh
/// ./build.ps1 -Task Start`: the pinned pwsh builds the module and runs Start-PxeServer on the sample root). Run as root
/// inside a namespace this test creates (it binds 67, 69 and 4011 there), fetched with curl over TFTP and HTTP, stopped by
/// SIGTERM to the pwsh process (the `dotnet pwsh` shim runs pwsh.dll as a child): every port released.
/// </summary>
public sealed class ReadmeRunCommandTests : IDisposable
{
    private readonly string _namespace = "pxr-" + Guid.NewGuid().ToString("N")[..6];
    private bool _created;

    [Fact]
    public void The_READMEs_run_command_serves_the_sample_root_in_pwsh_until_SIGTERM()
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

        // The README's command as written; the build configuration of these tests is added when it is not the default.
        string run = ReadmeRunCommand();
        Assert.Equal("dotnet tool restore && dotnet pwsh ./build.ps1 -Task Start", run);
        if (BuildConfiguration != "Release")
        {
            run += " -Configuration " + BuildConfiguration;
        }

        var lines = new BlockingCollection<string>();
        var start = new ProcessStartInfo("ip", ["netns", "exec", _namespace, "bash", "-c", run])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ModuleHost.RepoRoot,
        };
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited); // as from a fresh shell, not from inside dotnet test
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // HTTP, TFTP, proxyDHCP and the whole server each announce themselves (after the build).
            var seen = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(8);
            while (seen.Count(l => l.Contains("ServerStarted", StringComparison.Ordinal)) < 4)
            {
                Assert.True(lines.TryTake(out var line, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero), "the run command did not start the server: " + string.Join(" | ", seen));
                Assert.DoesNotContain("error", line, StringComparison.OrdinalIgnoreCase);
                seen.Add(line);
            }

            string sockets = ExternalProcess.Run("ip", $"netns exec {_namespace} ss -Hlun").StdOut;
            Assert.Contains(":67 ", sockets, StringComparison.Ordinal);
            Assert.Contains(":4011 ", sockets, StringComparison.Ordinal);
            string hello = File.ReadAllText(Path.Combine(ModuleHost.SampleRoot, "hello.txt"));
            Assert.Equal(hello, ExternalProcess.Run("ip", $"netns exec {_namespace} curl -s --max-time 20 tftp://127.0.0.1/hello.txt").StdOut);
            Assert.StartsWith("#!ipxe", ExternalProcess.Run("ip", $"netns exec {_namespace} curl -s --max-time 20 http://10.204.0.1:8080/boot.ipxe").StdOut, StringComparison.Ordinal);

            // SIGTERM to pwsh itself: bash -> dotnet pwsh (the tool's shim) -> dotnet pwsh.dll.
            int pwsh = Descendants(process.Id).Single(pid => CommandLine(pid).Contains("pwsh.dll", StringComparison.Ordinal));
            Assert.Equal(0, ExternalProcess.Run("kill", $"-TERM {pwsh}").ExitCode);
            Assert.True(process.WaitForExit(60_000), "the run command did not end after SIGTERM to pwsh");
            Assert.Equal(0, process.ExitCode); // -Wait stops cleanly on SIGTERM and pwsh exits 0
            sockets = ExternalProcess.Run("ip", $"netns exec {_namespace} ss -Hlunt").StdOut;
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

    /// <summary>The first ```sh block under "## Run it" in README.md.</summary>
    private static string ReadmeRunCommand()
    {
        string readme = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "README.md"));
        int section = readme.IndexOf("\n## Run it", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Run it' section");
        int open = readme.IndexOf("```sh\n", section, StringComparison.Ordinal) + "```sh\n".Length;
        int close = readme.IndexOf("\n```", open, StringComparison.Ordinal);
        return readme[open..close].Trim();
    }

    private static IEnumerable<int> Descendants(int parent)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && TryParentOf(dir) is int ppid)
            {
                (children.TryGetValue(ppid, out var list) ? list : children[ppid] = []).Add(pid);
            }
        }

        var pending = new Stack<int>([parent]);
        while (pending.Count > 0)
        {
            foreach (int child in children.GetValueOrDefault(pending.Pop()) ?? [])
            {
                yield return child;
                pending.Push(child);
            }
        }
    }

    private static int? TryParentOf(string procDir)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            string stat = File.ReadAllText(Path.Combine(procDir, "stat"));
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
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
