using System.Net;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.SecureBoot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.Tftp;

namespace PxePowerShell.Engine.Tests.Boot.SecureBoot;

/// <summary>
/// The signed chain: found in Debian's packages or an admin's directory, served at secureboot/, named as the boot file
/// of x86-64 UEFI clients only, with GRUB's menu generated beside it.
/// </summary>
public sealed class SecureBootChainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-secureboot-").FullName;
    private readonly LoopbackClient _client = new();

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Debian_packages_are_the_default_chain()
    {
        // CI installs shim-signed and grub-efi-amd64-signed (.ci/run).
        var chain = SecureBootChain.Locate(null);
        Assert.Equal("/usr/lib/shim/shimx64.efi.signed", chain.Shim);
        Assert.Equal("/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed", chain.Grub);
        Assert.Equal("/usr/lib/shim/mmx64.efi.signed", chain.MokManager);
    }

    [Fact]
    public void A_directory_chain_prefers_the_network_grub_and_names_what_is_missing()
    {
        string chainDir = Path.Combine(_dir, "chain");
        Write("chain/shimx64.efi.signed", "shim");
        Write("chain/grubx64.efi.signed", "disk grub");
        Write("chain/grubnetx64.efi.signed", "net grub");
        var chain = SecureBootChain.Locate(chainDir);
        Assert.EndsWith("shimx64.efi.signed", chain.Shim, StringComparison.Ordinal);
        Assert.EndsWith("grubnetx64.efi.signed", chain.Grub, StringComparison.Ordinal);
        Assert.Null(chain.MokManager);

        Write("ubuntu/shimx64.efi", "shim");
        Write("ubuntu/grubx64.efi", "grub");
        Write("ubuntu/mmx64.efi", "mok");
        var ubuntu = SecureBootChain.Locate(Path.Combine(_dir, "ubuntu"));
        Assert.EndsWith("ubuntu/grubx64.efi", ubuntu.Grub, StringComparison.Ordinal);
        Assert.EndsWith("ubuntu/mmx64.efi", ubuntu.MokManager, StringComparison.Ordinal);

        Write("noshim/grubx64.efi", "grub");
        var noShim = Assert.Throws<FileNotFoundException>(() => SecureBootChain.Locate(Path.Combine(_dir, "noshim")));
        Assert.Contains("has no signed shim (shimx64.efi or shimx64.efi.signed)", noShim.Message, StringComparison.Ordinal);
        var none = Assert.Throws<FileNotFoundException>(() => SecureBootChain.Locate(Path.Combine(_dir, "absent")));
        Assert.Contains("does not exist", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_source_serves_the_three_names_case_insensitively_and_nothing_else()
    {
        var chain = new SecureBootChain(Write("a/shim.bin", "SHIM"), Write("a/grub.bin", "GRUB"), Write("a/mm.bin", "MOK"));
        var boot = new BootNamespace(_dir);
        boot.Mount(BootPath.Parse(SecureBootChain.Directory), chain.ToSource());
        foreach (var (path, content) in new[] { ("secureboot/shimx64.efi", "SHIM"), ("secureboot/GRUBX64.EFI", "GRUB"), ("secureboot/mmx64.efi", "MOK") })
        {
            var opened = await boot.OpenAsync(BootPath.Parse(path), BootRequestContext.Local);
            Assert.Equal(BootFileStatus.Ok, opened.Status);
            using var file = opened.File!;
            var buffer = new byte[16];
            Assert.Equal(content, Encoding.ASCII.GetString(buffer, 0, file.Read(0, buffer)));
        }

        foreach (var path in new[] { "secureboot/revocations.efi", "secureboot/a/shimx64.efi", "secureboot/shim.bin" })
        {
            Assert.Equal(BootFileStatus.NotFound, (await boot.OpenAsync(BootPath.Parse(path), BootRequestContext.Local)).Status);
        }

        Assert.Throws<ArgumentException>(() => new FileMapSource("x", new Dictionary<string, string> { ["a/b"] = chain.Shim }));
    }

    [Fact]
    public async Task The_server_offers_shim_to_uefi_x64_only_and_serves_the_chain_and_the_grub_menu_by_tftp()
    {
        string root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "vmlinuz"), "kernel");
        var configuration = new PxeServerConfiguration
        {
            Name = "sb",
            Root = root,
            DhcpMode = DhcpMode.ProxyDhcp,
            Interfaces = ["lo"],
            DhcpPort = 0,
            PxePort = 0,
            ClientPort = _client.Port,
            TftpPort = 0,
            ConflictCheckTimeout = TimeSpan.Zero,
            SecureBoot = true,
            DataDirectory = Path.Combine(_dir, "data"),
        };
        var entries = new BootConfiguration(new BootMenuSettings(), [new BootEntry { Name = "linux", Kernel = "vmlinuz", Arguments = "quiet", IsDefault = true }], DateTimeOffset.UnixEpoch);
        await using var server = new PxeServer(configuration, new BootNamespace(root), () => entries);
        using var events = server.Events.Subscribe();
        await server.StartAsync();

        Assert.Equal(SecureBootChain.Locate(null), server.SecureBootChain);
        Assert.Equal(SecureBootChain.ProxyDhcpWarning, Assert.Single(server.StartWarnings));
        var warning = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.Warning);
        Assert.Equal(SecureBootChain.ProxyDhcpWarning, warning.Reason);

        // The boot server (port 4011) names shim for x86-64 UEFI (both codes) and leaves BIOS alone.
        int pxePort = server.Dhcp!.EndPoints[1].Port;
        foreach (var (arch, expected) in new[] { (ClientArchitecture.EfiX64, SecureBootChain.BootFile), (ClientArchitecture.EfiBC, SecureBootChain.BootFile), (ClientArchitecture.Bios, "pxelinux.0") })
        {
            var request = TestPackets.Pxe(DhcpMessageType.Request, TestPackets.Mac((byte)(0x70 + (int)arch)), arch, 0x7000u + (uint)arch)
                .WithClientAddress(IPAddress.Loopback).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback);
            await _client.SendAsync(request, pxePort);
            Assert.Equal(expected, (await _client.ReceiveAsync()).BootFileName);
        }

        using var tftp = new TftpRawClient();
        var endPoint = server.Tftp!.EndPoints[0];
        Assert.Equal(File.ReadAllBytes(SecureBootChain.DebianShim), await tftp.GetAsync(endPoint, "secureboot/shimx64.efi"));
        Assert.Equal(File.ReadAllBytes(SecureBootChain.DebianGrub), await tftp.GetAsync(endPoint, "secureboot/grubx64.efi"));
        string grubCfg = Encoding.UTF8.GetString(await tftp.GetAsync(endPoint, BootMenuLayout.GrubConfig));
        Assert.Contains("linux /vmlinuz quiet", grubCfg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_chain_fails_the_start_naming_the_directory()
    {
        var configuration = new PxeServerConfiguration
        {
            Root = _dir, DhcpMode = DhcpMode.None, TftpPort = 0, SecureBoot = true, SecureBootPath = Path.Combine(_dir, "nothing-here"),
        };
        await using var server = new PxeServer(configuration, new BootNamespace(_dir));
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => server.StartAsync());
        Assert.Contains("nothing-here", error.Message, StringComparison.Ordinal);
        Assert.Equal(PxeServerState.Faulted, server.State);
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
