using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// SIGTERM (systemd's stop) and SIGINT (Ctrl+C) end `Start-PxeTftpServer -Wait` cleanly in real processes — pwsh 7.6
/// (the pinned tool) and pxeps: a TFTP client in mid-transfer gets an ERROR, the stop events reach the pipeline, the
/// commands after the pipeline run and the process exits 0.
/// </summary>
public sealed class SignalStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-signal-").FullName;

    [Theory]
    [InlineData("pwsh", "TERM")]
    [InlineData("pwsh", "INT")]
    [InlineData("pxeps", "TERM")]
    [InlineData("pxeps", "INT")]
    public async Task A_signal_stops_a_waiting_server_cleanly_and_the_process_exits_0(string host, string signal)
    {
        Assert.True(OperatingSystem.IsLinux(), "POSIX signals");
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        File.WriteAllText(Path.Combine(root, "hello.txt"), "hello\n");
        File.WriteAllBytes(Path.Combine(root, "big.bin"), new byte[4 << 20]);
        int port = FreeUdpPort();
        string csv = Path.Combine(_dir, "events.csv");

        // pwsh has the whole PowerShell (Export-Csv); pxeps the engine's cmdlets only, so its events become lines.
        string sink = host == "pwsh" ? $"Export-Csv -Path '{csv}'" : "ForEach-Object { 'event ' + $_.Kind }";
        string script = $"Start-PxeTftpServer -Root '{root}' -Address 127.0.0.1 -Port {port} -Name sig -Wait | {sink}; 'after the pipeline'";
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // A shell's background job inherits SIGINT ignored, and an ignored signal stays ignored across exec: restore it.
        foreach (string arg in new[] { "--default-signal=INT,TERM", "dotnet" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string arg in host == "pwsh"
            ? new[] { PwshDll(), "-NoProfile", "-NonInteractive", "-Command", $"Import-Module '{ModuleHost.ManifestPath}' -ErrorAction Stop; {script}" }
            : [PxepsDll(), "-Module", ModuleHost.ManifestPath, "-Command", script])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PXEPOWERSHELL_DATA"] = Path.Combine(_dir, "data");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.True(
                ExternalProcess.WaitUntil(() => process.HasExited || ExternalProcess.Run("curl", $"-s --max-time 2 tftp://127.0.0.1:{port}/hello.txt").StdOut == "hello\n", TimeSpan.FromSeconds(90)),
                "the server never served hello.txt");
            if (process.HasExited)
            {
                Assert.Fail($"{host} ended before the signal: {await stderr}");
            }

            // A transfer in progress: DATA 1 received and never acknowledged.
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            client.ReceiveTimeout = 15_000;
            client.SendTo([0, 1, .. "big.bin"u8, 0, .. "octet"u8, 0], new IPEndPoint(IPAddress.Loopback, port));
            var buffer = new byte[1024];
            Assert.Equal(516, client.Receive(buffer));
            Assert.Equal(3, buffer[1]); // DATA

            Assert.Equal(0, ExternalProcess.Run("kill", $"-{signal} {process.Id}").ExitCode);

            // The server's retransmissions of DATA 1 may come first; then the ERROR that ends the transfer.
            do
            {
                client.Receive(buffer);
            }
            while (buffer[1] == 3);
            Assert.True(buffer[1] == 5, $"expected ERROR, got opcode {buffer[1]}");

            Assert.True(process.WaitForExit(60_000), $"{host} did not end after SIG{signal}");
            string output = await stdout;
            Assert.True(process.ExitCode == 0, $"{host} exited {process.ExitCode} after SIG{signal}: {await stderr}");
            Assert.Contains("after the pipeline", output, StringComparison.Ordinal);
            string events = host == "pwsh" ? File.ReadAllText(csv) : output;
            Assert.Contains("ServerStopped", events, StringComparison.Ordinal);
            Assert.Contains("TransferFailed", events, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>pwsh.dll of the PowerShell tool pinned in .config/dotnet-tools.json (restored by `dotnet tool restore`).</summary>
    internal static string PwshDll()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, ".config", "dotnet-tools.json")));
        string version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string dll = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", "unix", "pwsh.dll");
        if (!File.Exists(dll))
        {
            ExternalProcess.Run("dotnet", $"tool restore --tool-manifest {Path.Combine(ModuleHost.RepoRoot, ".config", "dotnet-tools.json")}", timeoutMs: 300_000);
        }

        Assert.True(File.Exists(dll), $"pwsh {version} is not restored ({dll}); run 'dotnet tool restore'");
        return dll;
    }

    private static string PxepsDll()
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(ModuleHost.RepoRoot, "src", "PxePowerShell.Host", "bin", configuration, "net10.0", "pxeps.dll");
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
