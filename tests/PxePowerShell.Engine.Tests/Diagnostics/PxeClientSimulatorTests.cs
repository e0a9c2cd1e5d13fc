using System.Net;
using System.Security.Cryptography;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Diagnostics;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Diagnostics;

/// <summary>
/// The simulator inside a network namespace the test creates (its sockets made there), the proxyDHCP and TFTP
/// servers in the root namespace on the host end of the veth, on ports the test chose.
/// </summary>
[Collection("netns")]
public sealed class PxeClientSimulatorTests : IAsyncLifetime
{
    private readonly NetnsLab _lab;
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-sim-").FullName;
    private readonly int _port = Random.Shared.Next(20000, 40000);
    private readonly MacAddress _mac = MacAddress.Parse("02-5a-00-00-00-01");
    private ProxyDhcpServer? _proxy;
    private TftpServer? _tftp;

    public PxeClientSimulatorTests()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        _lab = new NetnsLab();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_tftp is not null)
        {
            await _tftp.DisposeAsync();
        }

        _lab.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private async Task StartServersAsync(bool proxy = true)
    {
        _tftp = new TftpServer("tftp-sim", new TftpServerOptions { Address = _lab.ServerAddress, Port = 0 }, new BootNamespace(_root));
        await _tftp.StartAsync();
        if (proxy)
        {
            _proxy = new ProxyDhcpServer("proxy-sim", new ProxyDhcpServerOptions
            {
                Interfaces = [_lab.HostInterface],
                Port = _port,
                PxePort = _port + 1,
                ClientPort = _port + 2,
                Boot = new PxeBootOptions
                {
                    BootFiles = new Dictionary<ClientArchitecture, string>
                    {
                        [ClientArchitecture.Bios] = "pxelinux.0",
                        [ClientArchitecture.EfiX64] = "efi64/syslinux.efi",
                    },
                },
            });
            await _proxy.StartAsync();
        }
    }

    private PxeClientSimulatorOptions Options(ClientArchitecture architecture, TimeSpan? timeout = null) => new()
    {
        Interface = _lab.ClientInterface,
        Address = _lab.ClientAddress,
        ServerPort = _port,
        PxePort = _port + 1,
        ClientPort = _port + 2,
        TftpPort = _tftp?.EndPoints[0].Port ?? 69,
        MacAddress = _mac,
        Architecture = architecture,
        Uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"),
        Timeout = timeout ?? TimeSpan.FromSeconds(4),
        SocketFactory = _lab.CreateClientSocket,
    };

    private byte[] WriteFile(string name, int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        string path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return data;
    }

    private static string Describe(PxeTestResult r) => string.Join(" | ", r.Steps.Select(s => $"{s.Step} {s.Success} {s.Detail}{s.Error}"));

    [Fact]
    public async Task Bios_client_follows_the_menu_to_4011_downloads_pxelinux_and_its_own_menu()
    {
        var boot = WriteFile("pxelinux.0", 100_000);
        WriteFile("pxelinux.cfg/default", 300);
        WriteFile($"pxelinux.cfg/01-{_mac}", 200);
        await StartServersAsync();
        using var events = _proxy!.Events.Subscribe();
        var progress = new List<PxeTestProgress>();

        var result = await new PxeClientSimulator(Options(ClientArchitecture.Bios)).RunAsync(new SyncProgress(progress.Add));

        Assert.True(result.Success, Describe(result));
        Assert.Equal(
            [PxeTestStepNames.Discover, PxeTestStepNames.ProxyOffer, PxeTestStepNames.Request4011, PxeTestStepNames.ProxyAck, PxeTestStepNames.TftpBootFile, PxeTestStepNames.TftpMenu],
            result.Steps.Select(s => s.Step));
        Assert.All(result.Steps, s => Assert.Null(s.Error));
        Assert.Equal("pxelinux.0", result.BootFile);
        Assert.Equal(_lab.ServerAddress, result.ProxyServer);
        Assert.Equal(_lab.ServerAddress, result.BootServer);
        Assert.Equal(boot.Length, result.Bytes);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(boot)).ToLowerInvariant(), result.BootFileSha256);
        Assert.Equal($"pxelinux.cfg/01-{_mac}", result.MenuFile);
        Assert.Contains("boot item", result.Steps[2].Detail, StringComparison.Ordinal);
        Assert.Contains("blksize 1432", result.Steps[4].Detail, StringComparison.Ordinal);
        Assert.Equal(200, result.Steps[5].Bytes);
        Assert.Equal(_mac.ToString(), result.MacAddress);
        Assert.Contains(progress, p => p.Step == PxeTestStepNames.TftpBootFile);

        // The server saw the simulated client as a PXE client of that MAC.
        var offer = await WaitForAsync(events, e => e.Kind == PxeEventKind.ProxyOffer);
        Assert.Equal(_mac.ToString(), MacAddress.Normalize(offer.MacAddress!));
    }

    [Fact]
    public async Task Uefi_client_asks_4011_without_a_menu_and_gets_the_syslinux_default_menu()
    {
        var boot = WriteFile("efi64/syslinux.efi", 5000);
        WriteFile("efi64/pxelinux.cfg/default", 123);
        await StartServersAsync();

        var result = await new PxeClientSimulator(Options(ClientArchitecture.EfiX64)).RunAsync();

        Assert.True(result.Success, Describe(result));
        Assert.Equal("efi64/syslinux.efi", result.BootFile);
        Assert.Equal(boot.Length, result.Bytes);
        Assert.Equal("efi64/pxelinux.cfg/default", result.MenuFile);
        Assert.DoesNotContain("boot item", result.Steps.Single(s => s.Step == PxeTestStepNames.Request4011).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_proxyDHCP_server_the_offer_step_fails_after_the_timeout()
    {
        await StartServersAsync(proxy: false);

        var result = await new PxeClientSimulator(Options(ClientArchitecture.Bios, TimeSpan.FromSeconds(1))).RunAsync();

        Assert.False(result.Success);
        Assert.Equal([PxeTestStepNames.Discover, PxeTestStepNames.ProxyOffer], result.Steps.Select(s => s.Step));
        Assert.True(result.Steps[0].Success);
        var step = result.Steps[1];
        Assert.False(step.Success);
        Assert.Equal("no proxy offer within 1 s", step.Error);
        Assert.True(step.Duration >= TimeSpan.FromSeconds(0.9), step.Duration.ToString());
        Assert.Equal("ProxyOffer: no proxy offer within 1 s", result.Error);
    }

    [Fact]
    public async Task A_missing_boot_file_fails_the_TFTP_step_with_not_found()
    {
        await StartServersAsync();

        var result = await new PxeClientSimulator(Options(ClientArchitecture.Bios)).RunAsync();

        Assert.False(result.Success);
        var step = result.Steps[^1];
        Assert.Equal(PxeTestStepNames.TftpBootFile, step.Step);
        Assert.False(step.Success);
        Assert.Contains("boot file 'pxelinux.0' not found on TFTP server " + _lab.ServerAddress, step.Error, StringComparison.Ordinal);
        Assert.True(result.Steps.Take(4).All(s => s.Success), Describe(result));
    }

    [Fact]
    public async Task A_menu_missing_everywhere_fails_the_menu_step_and_the_download_cap_is_kept()
    {
        WriteFile("pxelinux.0", 50_000);
        await StartServersAsync();

        var result = await new PxeClientSimulator(Options(ClientArchitecture.Bios) with { MaxDownloadBytes = 10_000 }).RunAsync();

        var boot = result.Steps.Single(s => s.Step == PxeTestStepNames.TftpBootFile);
        Assert.True(boot.Success, Describe(result));
        Assert.Equal(10_000, boot.Bytes);
        Assert.Contains("stopped at 10000 bytes", boot.Detail, StringComparison.Ordinal);
        var menu = result.Steps[^1];
        Assert.Equal(PxeTestStepNames.TftpMenu, menu.Step);
        Assert.False(menu.Success);
        Assert.Contains("pxelinux.cfg/default not found", menu.Error, StringComparison.Ordinal);
        Assert.False(result.Success);
    }

    [Fact]
    public async Task NoDownload_stops_after_the_ACK()
    {
        await StartServersAsync();

        var result = await new PxeClientSimulator(Options(ClientArchitecture.Bios) with { DownloadBootFile = false }).RunAsync();

        Assert.True(result.Success, Describe(result));
        Assert.Equal(PxeTestStepNames.ProxyAck, result.Steps[^1].Step);
        Assert.Equal("pxelinux.0", result.BootFile);
        Assert.Equal(0, result.Bytes);
    }

    private static async Task<PxeEvent> WaitForAsync(EventHub.Subscription events, Func<PxeEvent, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var e = await events.Reader.ReadAsync(cts.Token);
            if (match(e))
            {
                return e;
            }
        }
    }

    private sealed class SyncProgress(Action<PxeTestProgress> report) : IProgress<PxeTestProgress>
    {
        public void Report(PxeTestProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
