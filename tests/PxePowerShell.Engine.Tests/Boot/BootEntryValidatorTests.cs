using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Boot;

public sealed class BootEntryValidatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IEnumerable<string> Ids(BootEntry entry) => BootEntryValidator.CheckShape(entry).Select(i => i.Id);

    [Theory]
    [InlineData("debian", true)]
    [InlineData("debian-12.4_x64", true)]
    [InlineData("9front", true)]
    [InlineData("-x", false)]
    [InlineData(".hidden", false)]
    [InlineData("a b", false)]
    [InlineData("ü", false)]
    [InlineData("", false)]
    public void Names_are_identifier_like(string name, bool valid) => Assert.Equal(valid, BootEntry.IsValidName(name));

    [Fact]
    public void Names_longer_than_64_are_refused() => Assert.False(BootEntry.IsValidName(new string('a', 65)));

    [Theory]
    [InlineData(BootEntryKind.Linux, PxeErrorIds.KernelRequired)]
    [InlineData(BootEntryKind.Multiboot, PxeErrorIds.KernelRequired)]
    [InlineData(BootEntryKind.Image, PxeErrorIds.KernelRequired)]
    [InlineData(BootEntryKind.Chainload, PxeErrorIds.ChainTargetRequired)]
    [InlineData(BootEntryKind.ConfigInclude, PxeErrorIds.ConfigPathRequired)]
    public void Each_kind_needs_its_target(BootEntryKind kind, string id) => Assert.Contains(id, Ids(new BootEntry { Name = "x", Kind = kind }));

    [Fact]
    public void Local_boot_needs_nothing() => Assert.Empty(Ids(new BootEntry { Name = "x", Kind = BootEntryKind.LocalBoot }));

    [Theory]
    [InlineData("with space/vmlinuz")]
    [InlineData("../vmlinuz")]
    [InlineData("a\\b")]
    [InlineData("k$x")]
    [InlineData("k;x")]
    [InlineData("a,b")]
    [InlineData("ftp://host/x")]
    [InlineData("C:/x")]
    public void Unsafe_paths_are_refused(string path) => Assert.Contains(PxeErrorIds.InvalidPath, Ids(new BootEntry { Name = "x", Kernel = path }));

    [Theory]
    [InlineData("boot/vmlinuz")]
    [InlineData("/boot/vmlinuz")]
    [InlineData("http://10.0.0.1:8080/vmlinuz")]
    [InlineData("tftp://10.0.0.1/vmlinuz")]
    [InlineData("arch/boot/x86_64/vmlinuz-linux")]
    public void Safe_paths_and_urls_are_accepted(string path) => Assert.Empty(Ids(new BootEntry { Name = "x", Kernel = path }));

    [Fact]
    public void Control_characters_and_unescapable_arguments_are_refused()
    {
        Assert.Contains(PxeErrorIds.InvalidCharacter, Ids(new BootEntry { Name = "x", Kernel = "k", Label = "a\nb" }));
        Assert.Contains(PxeErrorIds.InvalidCharacter, Ids(new BootEntry { Name = "x", Kernel = "k", Arguments = "a\u0007b" }));
        Assert.Empty(Ids(new BootEntry { Name = "x", Kernel = "k", HelpText = "line 1\r\nline 2\tend" }));
        Assert.Contains(PxeErrorIds.UnescapableArgument, Ids(new BootEntry { Name = "x", Kernel = "k", Arguments = "root=${root}" }));
        Assert.Contains(PxeErrorIds.UnescapableArgument, Ids(new BootEntry { Name = "x", Kind = BootEntryKind.Multiboot, Kernel = "xen.gz", Arguments = "a --- b" }));
    }

    [Fact]
    public void Properties_the_kind_does_not_use_are_refused()
    {
        Assert.Contains(PxeErrorIds.UnusedProperty, Ids(new BootEntry { Name = "x", Kind = BootEntryKind.Image, Kernel = "memtest", Initrd = ["i"] }));
        Assert.Contains(PxeErrorIds.UnusedProperty, Ids(new BootEntry { Name = "x", Kind = BootEntryKind.LocalBoot, Kernel = "k" }));
    }

    [Theory]
    [InlineData("52:54:00:12:34:56", "52-54-00-12-34-56")]
    [InlineData("52-54-00-12-34-56", "52-54-00-12-34-56")]
    [InlineData("5254.0012.3456", "52-54-00-12-34-56")]
    [InlineData("525400123456", "52-54-00-12-34-56")]
    [InlineData("01-52-54-00-12-34-56", "52-54-00-12-34-56")]
    [InlineData("F0-DE-F1-7A-00-5E", "f0-de-f1-7a-00-5e")]
    public void Mac_addresses_are_normalized(string raw, string expected)
    {
        Assert.True(BootEntry.TryNormalizeMacAddress(raw, out var mac));
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData("52:54:00")]
    [InlineData("zz:54:00:12:34:56")]
    [InlineData("52:54:00:12:34:56:78")]
    public void Bad_mac_addresses_are_refused(string raw) => Assert.False(BootEntry.TryNormalizeMacAddress(raw, out _));

    [Fact]
    public async Task Missing_files_are_warnings_and_errors_when_strict()
    {
        _dir.File("debian-installer/amd64/linux", "kernel");
        var boot = new BootNamespace(_dir.Path);
        var entry = new BootEntry { Name = "d", Kernel = "debian-installer/amd64/linux", Initrd = ["debian-installer/amd64/initrd.gz"] };

        var issues = await BootEntryValidator.ValidateAsync(entry, boot);
        var issue = Assert.Single(issues);
        Assert.Equal(PxeErrorIds.InitrdNotFound, issue.Id);
        Assert.Equal(BootIssueSeverity.Warning, issue.Severity);
        Assert.Equal("debian-installer/amd64/initrd.gz", issue.Target);

        var strict = await BootEntryValidator.ValidateAsync(entry with { Kernel = "nope/linux" }, boot, strict: true);
        Assert.Equal([PxeErrorIds.KernelNotFound, PxeErrorIds.InitrdNotFound], strict.Select(i => i.Id));
        Assert.All(strict, i => Assert.Equal(BootIssueSeverity.Error, i.Severity));

        _dir.File("debian-installer/amd64/initrd.gz", "initrd");
        Assert.Empty(await BootEntryValidator.ValidateAsync(entry, boot, strict: true));
    }

    [Fact]
    public async Task Urls_are_not_checked_and_modules_chain_targets_and_configs_are()
    {
        var boot = new BootNamespace(_dir.Path);
        var xen = new BootEntry { Name = "x", Kind = BootEntryKind.Multiboot, Kernel = "http://10.0.0.1/xen.gz", Modules = [new MultibootModule("vmlinuz")] };
        Assert.Equal([PxeErrorIds.ModuleNotFound], (await BootEntryValidator.ValidateAsync(xen, boot)).Select(i => i.Id));
        var chain = new BootEntry { Name = "c", Kind = BootEntryKind.Chainload, ChainTarget = "undionly.kpxe" };
        Assert.Equal([PxeErrorIds.ChainTargetNotFound], (await BootEntryValidator.ValidateAsync(chain, boot)).Select(i => i.Id));
        var include = new BootEntry { Name = "i", Kind = BootEntryKind.ConfigInclude, ConfigPath = "arch/boot/syslinux/archiso.cfg" };
        Assert.Equal([PxeErrorIds.ConfigNotFound], (await BootEntryValidator.ValidateAsync(include, boot)).Select(i => i.Id));
    }

    [Theory]
    [InlineData("Bios", BootArchitecture.Bios)]
    [InlineData("efix64http", BootArchitecture.EfiX64)]
    [InlineData("EfiArm64Http", BootArchitecture.EfiArm64)]
    [InlineData("ia32", BootArchitecture.EfiIA32)]
    [InlineData("any", BootArchitecture.All)]
    [InlineData("Efi", BootArchitecture.Efi)]
    [InlineData(" pcbios ", BootArchitecture.Bios)]
    [InlineData("x86_64", BootArchitecture.EfiX64)]
    [InlineData("AARCH64", BootArchitecture.EfiArm64)]
    [InlineData("i386", BootArchitecture.EfiIA32)]
    [InlineData("EfiBC", BootArchitecture.EfiX64)]
    [InlineData("EfiBCHttp", BootArchitecture.EfiX64)]
    [InlineData("EfiIA32Http", BootArchitecture.EfiIA32)]
    [InlineData("BiosHttp", BootArchitecture.Bios)]
    [InlineData("EfiArm32", BootArchitecture.EfiArm32)]
    [InlineData("armhf", BootArchitecture.EfiArm32)]
    [InlineData("EfiArm32Http", BootArchitecture.EfiArm32)]
    [InlineData("efiriscv64", BootArchitecture.EfiRiscV64)]
    [InlineData("riscv64", BootArchitecture.EfiRiscV64)]
    [InlineData("EfiRiscV64Http", BootArchitecture.EfiRiscV64)]
    [InlineData("EfiLoongArch64", BootArchitecture.EfiLoongArch64)]
    [InlineData("loong64", BootArchitecture.EfiLoongArch64)]
    [InlineData("EfiLoongArch64Http", BootArchitecture.EfiLoongArch64)]
    public void Architecture_names_parse(string name, BootArchitecture expected)
    {
        Assert.True(BootArchitectures.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("Sparc")]
    [InlineData("None")]
    [InlineData("7")]
    [InlineData("0")]
    [InlineData("EfiRiscV32")]
    [InlineData("EfiRiscV128Http")]
    [InlineData("EfiLoongArch32")]
    [InlineData("Arm64Uboot")]
    [InlineData("Itanium")]
    [InlineData("")]
    public void Names_of_no_menu_platform_do_not_parse(string name) => Assert.False(BootArchitectures.TryParse(name, out _));

    [Fact]
    public void Unknown_architecture_names_are_named()
    {
        Assert.False(BootArchitectures.TryParse(["Bios,EfiX64", "Sparc"], out _, out var unknown));
        Assert.Equal("Sparc", unknown);
        Assert.True(BootArchitectures.TryParse(["Bios,EfiX64"], out var both, out _));
        Assert.Equal(BootArchitecture.Bios | BootArchitecture.EfiX64, both);
    }

    [Theory]
    [InlineData(0, BootArchitecture.Bios)]
    [InlineData(6, BootArchitecture.EfiIA32)]
    [InlineData(7, BootArchitecture.EfiX64)]
    [InlineData(9, BootArchitecture.EfiX64)]
    [InlineData(16, BootArchitecture.EfiX64)]
    [InlineData(11, BootArchitecture.EfiArm64)]
    [InlineData(19, BootArchitecture.EfiArm64)]
    [InlineData(15, BootArchitecture.EfiIA32)]
    [InlineData(17, BootArchitecture.EfiX64)]
    [InlineData(20, BootArchitecture.Bios)]
    [InlineData(10, BootArchitecture.EfiArm32)]
    [InlineData(18, BootArchitecture.EfiArm32)]
    [InlineData(27, BootArchitecture.EfiRiscV64)]
    [InlineData(28, BootArchitecture.EfiRiscV64)]
    [InlineData(39, BootArchitecture.EfiLoongArch64)]
    [InlineData(40, BootArchitecture.EfiLoongArch64)]
    public void Rfc4578_values_map_to_platforms(ushort value, BootArchitecture expected) =>
        Assert.Equal(expected, BootArchitectures.FromClientArchitecture((ClientArchitecture)value));

    [Theory]
    [InlineData(2)]
    [InlineData(22)]
    [InlineData(25)]
    [InlineData(29)]
    [InlineData(37)]
    [InlineData(41)]
    public void Rfc4578_values_no_menu_serves_map_to_nothing(ushort value) => Assert.Null(BootArchitectures.FromClientArchitecture((ClientArchitecture)value));

    [Fact]
    public void Every_architecture_the_policy_serves_has_exactly_one_platform_and_every_platform_is_served()
    {
        var served = BootPolicy.DefaultBootFiles.Keys
            .SelectMany(k => Enum.GetValues<ClientArchitecture>().Where(a => ClientArchitectures.WithoutHttp(a) == ClientArchitectures.WithoutHttp(k)))
            .ToHashSet();
        Assert.Contains(ClientArchitecture.EfiRiscV64Http, served);
        foreach (var architecture in served)
        {
            var platform = BootArchitectures.FromClientArchitecture(architecture);
            Assert.True(platform is { } p && BootArchitectures.Singles.Contains(p), $"{architecture} has no single platform");
        }

        Assert.Equal(BootArchitecture.All, BootArchitectures.Singles.Aggregate(BootArchitecture.None, (set, p) => set | p));
        foreach (var platform in BootArchitectures.Singles)
        {
            // A platform is named after the architecture it stands for, the policy serves that architecture, and it maps back.
            var client = BootArchitectures.ToClientArchitecture(platform);
            Assert.Equal(platform.ToString(), client?.ToString());
            Assert.True(BootPolicy.DefaultBootFiles.ContainsKey(client!.Value), $"{platform} is no architecture the policy serves");
            Assert.Equal(platform, BootArchitectures.FromClientArchitecture(client.Value));
            Assert.Single(GrubMenuRenderer.PlatformKeys, k => k.Architecture == platform);
            Assert.Single(IpxeScriptRenderer.PlatformKeys, k => k.Architecture == platform);
        }

        Assert.Null(BootArchitectures.ToClientArchitecture(BootArchitecture.Efi));
    }

    [Fact]
    public void Entry_files_written_before_the_new_platforms_still_load()
    {
        const string json = """
            { "version": 1, "entries": [
              { "name": "a", "kind": "Linux", "architecture": "All", "loader": "All", "kernel": "k" },
              { "name": "b", "kind": "Linux", "architecture": "Bios, EfiIA32, EfiX64, EfiArm64", "loader": "Grub", "kernel": "k" },
              { "name": "c", "kind": "Linux", "architecture": "Efi", "loader": "All", "kernel": "k" } ] }
            """;
        var (_, entries) = BootEntryFile.Deserialize(json);
        Assert.Equal(BootArchitecture.All, entries[0].Architecture);
        Assert.Equal(BootArchitecture.Bios | BootArchitecture.EfiIA32 | BootArchitecture.EfiX64 | BootArchitecture.EfiArm64, entries[1].Architecture);
        Assert.Equal(BootArchitecture.Efi, entries[2].Architecture);
        Assert.True((entries[2].Architecture & BootArchitecture.EfiLoongArch64) != 0);
        Assert.Contains("\"architecture\": \"EfiRiscV64\"", BootEntryFile.Serialize(new BootMenuSettings(), [entries[0] with { Architecture = BootArchitecture.EfiRiscV64 }]), StringComparison.Ordinal);
    }
}
