using System.Security.Cryptography;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>Real TFTP clients (curl, atftp, tftp-hpa) against a running server on loopback.</summary>
public sealed class TftpRealClientTests : IAsyncLifetime
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private TftpTestServer _server = null!;
    private string _outDir = null!;

    public async Task InitializeAsync()
    {
        _server = await TftpTestServer.StartAsync(new TftpServerOptions { AllowWrite = true });
        _outDir = Directory.CreateTempSubdirectory("pxe-tftp-out-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_outDir, recursive: true);
    }

    public static TheoryData<string, long> Downloads()
    {
        var data = new TheoryData<string, long>();
        foreach (string client in new[] { "curl", "curl-1468", "atftp-1468", "atftp-window16", "tftp-hpa" })
        {
            foreach (long size in new long[] { 0, 511, 512, 513, 10 << 20 })
            {
                data.Add(client, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task Client_downloads_are_byte_identical(string client, long size)
    {
        string name = $"f{size}.bin";
        string source = _server.WriteFile(name, size);
        string output = Path.Combine(_outDir, $"{client}-{size}.out");
        var result = await RunClientAsync(client, name, output);
        Assert.False(result.TimedOut, $"{client} timed out: {result.StandardError}");
        if (size == 0 && client.StartsWith("curl", StringComparison.Ordinal) && result.ExitCode == 71)
        {
            // curl 7.88 fails every empty TFTP download with "getpeername() failed" (tftpd-hpa and atftpd too);
            // it gives up before acknowledging the OACK, so the server only saw the transfer start.
            Assert.Equal(0, (await _server.WaitForAsync(PxeEventKind.TransferStarted, e => e.Path == name)).Bytes);
            return;
        }

        Assert.True(File.Exists(output), $"{client} wrote nothing (exit {result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        Assert.Equal(Sha256(source), Sha256(output));
        var completed = await _server.WaitForAsync(PxeEventKind.TransferCompleted, e => e.Path == name);
        Assert.Equal(size, completed.Bytes);
    }

    [Fact]
    public async Task Curl_download_past_block_65535_is_byte_identical()
    {
        long size = ((65536 + 10) * 512L) + 100;
        string source = _server.WriteFile("rollover.bin", size);
        string output = Path.Combine(_outDir, "rollover.out");
        var result = await RunClientAsync("curl", "rollover.bin", output);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Sha256(source), Sha256(output));
    }

    [Fact]
    public async Task Curl_upload_works_and_does_not_overwrite_without_AllowOverwrite()
    {
        string local = Path.Combine(_outDir, "upload.bin");
        var data = new byte[300_000];
        Random.Shared.NextBytes(data);
        File.WriteAllBytes(local, data);
        var result = await ProcessRunner.RunAsync("curl", ["-s", "-S", "-T", local, $"tftp://127.0.0.1:{_server.Port}/up.bin"], ClientTimeout);
        Assert.Equal(0, result.ExitCode);
        await _server.WaitForAsync(PxeEventKind.TransferCompleted, e => e.Path == "up.bin");
        Assert.Equal(data, File.ReadAllBytes(Path.Combine(_server.Root, "up.bin")));

        File.WriteAllBytes(local, new byte[10]);
        result = await ProcessRunner.RunAsync("curl", ["-s", "-S", "-T", local, $"tftp://127.0.0.1:{_server.Port}/up.bin"], ClientTimeout);
        Assert.NotEqual(0, result.ExitCode);
        var refused = await _server.WaitForAsync(PxeEventKind.RequestRefused, e => e.Path == "up.bin");
        Assert.Contains("exists", refused.Error);
        Assert.Equal(data, File.ReadAllBytes(Path.Combine(_server.Root, "up.bin")));
    }

    [Fact]
    public async Task Hundred_concurrent_curl_downloads_all_succeed()
    {
        string source = _server.WriteFile("shared.bin", 512 * 1024);
        string expected = Sha256(source);
        var tasks = new List<Task<ProcessRunner.Result>>();
        for (int i = 0; i < 100; i++)
        {
            tasks.Add(ProcessRunner.RunAsync("curl", ["-s", "-S", "--tftp-blksize", "1468", "-o", Path.Combine(_outDir, $"c{i}.out"), $"tftp://127.0.0.1:{_server.Port}/shared.bin"], ClientTimeout));
        }

        var results = await Task.WhenAll(tasks);
        for (int i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].ExitCode == 0, $"curl {i}: {results[i].StandardError}");
            Assert.Equal(expected, Sha256(Path.Combine(_outDir, $"c{i}.out")));
        }

        var stats = _server.Server.Statistics;
        Assert.Equal(0, stats.FailedTransfers);
        Assert.Equal(100, stats.CompletedTransfers);
    }

    private Task<ProcessRunner.Result> RunClientAsync(string client, string name, string output)
    {
        string port = _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return client switch
        {
            "curl" => ProcessRunner.RunAsync("curl", ["-s", "-S", "-o", output, $"tftp://127.0.0.1:{port}/{name}"], ClientTimeout),
            "curl-1468" => ProcessRunner.RunAsync("curl", ["-s", "-S", "--tftp-blksize", "1468", "-o", output, $"tftp://127.0.0.1:{port}/{name}"], ClientTimeout),
            "atftp-1468" => ProcessRunner.RunAsync("atftp", ["--option", "blksize 1468", "-g", "-r", name, "-l", output, "127.0.0.1", port], ClientTimeout),
            "atftp-window16" => ProcessRunner.RunAsync("atftp", ["--option", "blksize 1468", "--option", "windowsize 16", "-g", "-r", name, "-l", output, "127.0.0.1", port], ClientTimeout),
            "tftp-hpa" => ProcessRunner.RunAsync("tftp", ["-m", "binary", "127.0.0.1", port, "-c", "get", name, output], ClientTimeout),
            _ => throw new ArgumentOutOfRangeException(nameof(client)),
        };
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
