using System.Net;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>Menus served live through a real BootNamespace (root directory + generated mounts), as TFTP and HTTP open them.</summary>
public sealed class GeneratedMenuSourceTests : IDisposable
{
    private const string TargetedMac = "52-54-00-12-34-56";
    private const string TargetedUuid = "4c4c4544-0042-3510-8051-b4c04f4e3232";
    private static readonly BootRequestContext Tftp = new("tftp", new IPEndPoint(IPAddress.Parse("192.168.0.5"), 2070));

    private readonly TempDirectory _dir = new();
    private readonly BootEntryStore _store;
    private readonly BootNamespace _boot;

    public GeneratedMenuSourceTests()
    {
        _dir.File("pxelinux.0", "pxelinux");
        _dir.File("pxelinux.cfg/default", "hand-written menu from the dnsmasq era");
        _store = new BootEntryStore(Path.Combine(_dir.Path, "data", "entries.json"));
        _store.Add(new BootEntry { Name = "debian", Label = "Debian", Kernel = "debian-installer/amd64/linux", Initrd = ["debian-installer/amd64/initrd.gz"], IsDefault = true });
        _store.Add(new BootEntry { Name = "rescue", Label = "Rescue for one machine", Kernel = "rescue/vmlinuz", MacAddresses = [TargetedMac], IsDefault = true });
        _store.Add(new BootEntry { Name = "by-uuid", Label = "By UUID", Kernel = "uuid/vmlinuz", Uuids = [TargetedUuid.ToUpperInvariant()] });
        _store.Add(new BootEntry { Name = "uefi-only", Label = "UEFI only", Kernel = "efi/vmlinuz", Architecture = BootArchitecture.EfiX64 });
        _boot = new BootNamespace(_dir.Path);
        GeneratedMenuSource.MountAll(_boot, () => _store.Current, new BootRenderOptions { ServerAddress = "192.168.0.1" });
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string?> Fetch(string path)
    {
        var result = await _boot.OpenAsync(BootPath.Parse(path), Tftp);
        if (result.Status != BootFileStatus.Ok)
        {
            return null;
        }

        using var file = result.File!;
        var buffer = new byte[file.Length];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await file.ReadAsync(total, buffer.AsMemory(total, Math.Min(512, buffer.Length - total)));
            Assert.True(read > 0);
            total += read;
        }

        Assert.Equal(0, file.Read(file.Length, new byte[16]));
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>What pxelinux asks for, in order, until one opens: UUID, 01-MAC, hex IP shortened one digit at a time, default.</summary>
    private static IEnumerable<string> PxelinuxChain(string directory, string uuid, string mac, IPAddress address)
    {
        yield return $"{directory}/{uuid}";
        yield return $"{directory}/01-{mac}";
        string hex = Convert.ToHexString(address.GetAddressBytes());
        for (int length = hex.Length; length >= 1; length--)
        {
            yield return $"{directory}/{hex[..length]}";
        }

        yield return $"{directory}/default";
    }

    private async Task<(string Path, string Text)> Resolve(string directory, string uuid, string mac)
    {
        foreach (var path in PxelinuxChain(directory, uuid, mac, IPAddress.Parse("192.168.0.5")))
        {
            if (await Fetch(path) is { } text)
            {
                return (path, text);
            }
        }

        throw new InvalidOperationException("nothing in the chain opened");
    }

    [Fact]
    public async Task A_targeted_client_gets_its_own_menu_from_the_mac_file()
    {
        var (path, text) = await Resolve("pxelinux.cfg", "00000000-0000-0000-0000-000000000001", TargetedMac);
        Assert.Equal($"pxelinux.cfg/01-{TargetedMac}", path);
        Assert.Contains("LABEL rescue", text, StringComparison.Ordinal);
        Assert.Contains("LABEL debian", text, StringComparison.Ordinal);
        Assert.Contains("DEFAULT rescue", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LABEL by-uuid", text, StringComparison.Ordinal);
        Assert.Empty(PxelinuxGrammar.Check(text));
    }

    [Fact]
    public async Task An_unknown_client_falls_through_the_chain_to_default()
    {
        var (path, text) = await Resolve("pxelinux.cfg", "00000000-0000-0000-0000-000000000001", "52-54-00-ff-ff-ff");
        Assert.Equal("pxelinux.cfg/default", path);
        Assert.Contains("LABEL debian", text, StringComparison.Ordinal);
        Assert.DoesNotContain("rescue", text, StringComparison.Ordinal);
        Assert.DoesNotContain("uefi-only", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hand-written", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_uuid_targeted_client_gets_the_uuid_file_first()
    {
        var (path, text) = await Resolve("pxelinux.cfg", TargetedUuid, TargetedMac);
        Assert.Equal($"pxelinux.cfg/{TargetedUuid}", path);
        Assert.Contains("LABEL by-uuid", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pxelinux.cfg/C0A80005")]
    [InlineData("pxelinux.cfg/C0A8")]
    [InlineData("pxelinux.cfg/C")]
    [InlineData("pxelinux.cfg/01-52-54-00-ff-ff-ff")]
    [InlineData("pxelinux.cfg/00000000-0000-0000-0000-000000000001")]
    [InlineData("pxelinux.cfg/pxelinux.cfg")]
    [InlineData("pxelinux.cfg/sub/default")]
    [InlineData("pxelinux.cfg")]
    [InlineData("boot.ipxe/other")]
    [InlineData("grub/grub.cfg-01-52-54-00-12-34-56")]
    public async Task Names_nobody_targets_are_not_found(string path) => Assert.Null(await Fetch(path));

    [Fact]
    public async Task Mac_file_names_match_case_insensitively()
    {
        Assert.NotNull(await Fetch("pxelinux.cfg/01-52-54-00-12-34-56".ToUpperInvariant().Replace("PXELINUX.CFG", "pxelinux.cfg", StringComparison.Ordinal)));
        Assert.NotNull(await Fetch("pxelinux.cfg/DEFAULT"));
    }

    [Fact]
    public async Task Uefi_syslinux_gets_its_own_directory_with_rooted_paths()
    {
        string text = (await Fetch("efi64/pxelinux.cfg/default"))!;
        Assert.Contains("LABEL uefi-only", text, StringComparison.Ordinal);
        Assert.Contains("KERNEL ::/debian-installer/amd64/linux", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LABEL uefi-only", (await Fetch("efi32/pxelinux.cfg/default"))!, StringComparison.Ordinal);
        Assert.DoesNotContain("uefi-only", (await Fetch("pxelinux.cfg/default"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipxe_and_grub_scripts_are_served_and_dispatch_per_client()
    {
        string ipxe = (await Fetch("boot.ipxe"))!;
        Assert.StartsWith("#!ipxe\n", ipxe, StringComparison.Ordinal);
        Assert.Contains($"iseq ${{mac:hexhyp}} {TargetedMac} && set pxeps-client m-{TargetedMac} ||", ipxe, StringComparison.Ordinal);
        Assert.Contains($"iseq ${{uuid}} {TargetedUuid} && set pxeps-client u-{TargetedUuid} ||", ipxe, StringComparison.Ordinal);
        Assert.Empty(IpxeGrammar.Check(ipxe));

        string grub = (await Fetch("grub/grub.cfg"))!;
        Assert.Contains("if [ \"$net_default_mac\" = \"52:54:00:12:34:56\" ]; then set pxeps_client=m-52-54-00-12-34-56; fi", grub, StringComparison.Ordinal);
        Assert.Empty(GrubGrammar.Check(grub));
    }

    [Fact]
    public async Task The_root_directory_is_still_served_around_the_generated_mounts()
    {
        Assert.Equal("pxelinux", await Fetch("pxelinux.0"));
    }

    [Fact]
    public async Task Changes_show_on_the_next_open_with_a_new_LastModified()
    {
        var before = await _boot.OpenAsync(BootPath.Parse("pxelinux.cfg/default"), Tftp);
        var stamp = before.File!.LastModified;
        before.File.Dispose();

        _store.Add(new BootEntry { Name = "memtest", Kind = BootEntryKind.Image, Kernel = "memtest86+.bin", Architecture = BootArchitecture.Bios });
        Assert.Contains("LABEL memtest", (await Fetch("pxelinux.cfg/default"))!, StringComparison.Ordinal);
        var after = await _boot.OpenAsync(BootPath.Parse("pxelinux.cfg/default"), Tftp);
        Assert.True(after.File!.LastModified >= stamp);
        Assert.Null(after.File.Physical);
        after.File.Dispose();

        _store.Update("rescue", e => e with { MacAddresses = [] , IsDefault = false });
        Assert.Null(await Fetch($"pxelinux.cfg/01-{TargetedMac}"));
    }

    [Fact]
    public async Task Open_honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var source = new GeneratedMenuSource(() => _store.Current, BootMenuFormat.Pxelinux);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await source.OpenAsync(BootPath.Parse("default"), Tftp, cts.Token));
    }

    [Fact]
    public void Generated_files_read_positionally()
    {
        using var file = new GeneratedBootFile(Encoding.ASCII.GetBytes("0123456789"), DateTimeOffset.UnixEpoch);
        var buffer = new byte[4];
        Assert.Equal(4, file.Read(3, buffer));
        Assert.Equal("3456", Encoding.ASCII.GetString(buffer));
        Assert.Equal(2, file.Read(8, buffer));
        Assert.Equal(0, file.Read(10, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(-1, buffer));
    }
}
