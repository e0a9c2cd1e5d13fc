using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

public sealed class BootMenuTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static BootEntry Linux(string name, int order = 0) => new() { Name = name, Kernel = name + "/vmlinuz", Order = order };

    [Fact]
    public void Entries_are_ordered_by_order_then_name()
    {
        var config = BootConfiguration.Create([Linux("b", 1), Linux("c"), Linux("a", 1)]);
        Assert.Equal(["c", "a", "b"], BootMenu.Select(config, BootMenuFormat.Ipxe, BootArchitecture.Bios).Entries.Select(e => e.Name));
    }

    [Fact]
    public void Platforms_loaders_and_what_a_loader_can_boot_filter_the_menu()
    {
        var xen = new BootEntry { Name = "xen", Kind = BootEntryKind.Multiboot, Kernel = "xen.gz" };
        var grubOnly = Linux("grub-only") with { Loader = BootLoader.Grub };
        var arm = Linux("arm") with { Architecture = BootArchitecture.EfiArm64 };
        var config = BootConfiguration.Create([xen, grubOnly, arm]);
        Assert.Equal(["xen"], BootMenu.Select(config, BootMenuFormat.Pxelinux, BootArchitecture.Bios).Entries.Select(e => e.Name));
        Assert.Empty(BootMenu.Select(config, BootMenuFormat.Syslinux, BootArchitecture.EfiX64).Entries);
        Assert.Empty(BootMenu.Select(config, BootMenuFormat.Ipxe, BootArchitecture.EfiX64).Entries);
        Assert.Equal(["grub-only", "xen"], BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiX64).Entries.Select(e => e.Name));
        Assert.Equal(["arm", "grub-only", "xen"], BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiArm64).Entries.Select(e => e.Name));
    }

    [Fact]
    public void A_targeted_default_wins_for_its_client()
    {
        var config = BootConfiguration.Create([Linux("general") with { IsDefault = true }, Linux("mine") with { IsDefault = true, MacAddresses = ["52-54-00-12-34-56"] }]);
        Assert.Equal("general", BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiX64).Default?.Name);
        Assert.Equal("mine", BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiX64, BootClient.FromMac("52:54:00:12:34:56")).Default?.Name);
    }

    [Fact]
    public void Malformed_entries_from_a_hand_edited_file_are_left_out_not_rendered()
    {
        var config = BootConfiguration.Create([new BootEntry { Name = "broken", Kind = BootEntryKind.Linux }, Linux("fine")]);
        foreach (var format in Enum.GetValues<BootMenuFormat>())
        {
            string text = BootMenuRenderer.Render(config, format);
            Assert.DoesNotContain("broken", text, StringComparison.Ordinal);
            Assert.Contains("fine", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Arm32_riscv_and_loongarch_clients_get_their_own_grub_and_ipxe_menus()
    {
        var riscv = Linux("riscv") with { Architecture = BootArchitecture.EfiRiscV64, IsDefault = true };
        var loong = Linux("loong") with { Architecture = BootArchitecture.EfiLoongArch64 | BootArchitecture.EfiArm32 };
        var config = BootConfiguration.Create([riscv, loong, Linux("everywhere", 1)]);
        Assert.Equal(["riscv", "everywhere"], BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiRiscV64).Entries.Select(e => e.Name));
        Assert.Equal(["loong", "everywhere"], BootMenu.Select(config, BootMenuFormat.Ipxe, BootArchitecture.EfiArm32).Entries.Select(e => e.Name));
        Assert.Equal(["everywhere"], BootMenu.Select(config, BootMenuFormat.Grub, BootArchitecture.EfiArm64).Entries.Select(e => e.Name));
        Assert.Empty(BootMenu.Select(config, BootMenuFormat.Syslinux, BootArchitecture.EfiRiscV64).Entries);
        Assert.Throws<ArgumentOutOfRangeException>(() => BootMenuLayout.SyslinuxDirectory(BootArchitecture.EfiLoongArch64));

        // The one grub.cfg: each platform's key (${grub_platform}-${grub_cpu}) leads to its own section.
        string grub = GrubMenuRenderer.RenderScript(config);
        Assert.Empty(GrubGrammar.Check(grub));
        Assert.Equal(["riscv", "everywhere"], GrubSectionEntries(grub, "default-efi-riscv64"));
        Assert.Equal(["loong", "everywhere"], GrubSectionEntries(grub, "default-efi-loongarch64"));
        Assert.Equal(["loong", "everywhere"], GrubSectionEntries(grub, "default-efi-arm"));
        Assert.Equal(["everywhere"], GrubSectionEntries(grub, "default-efi-arm64"));

        string ipxe = IpxeScriptRenderer.RenderScript(config);
        Assert.Empty(IpxeGrammar.Check(ipxe));
        foreach (var key in new[] { "efi-arm32", "efi-riscv64", "efi-loong64" })
        {
            Assert.Contains("default-" + key, ipxe, StringComparison.Ordinal);
        }
    }

    /// <summary>The menuentry ids of the grub.cfg section whose condition names <paramref name="key"/>.</summary>
    private static string[] GrubSectionEntries(string grub, string key)
    {
        var lines = grub.Split('\n');
        int start = Array.FindIndex(lines, l => (l.StartsWith("if ", StringComparison.Ordinal) || l.StartsWith("elif ", StringComparison.Ordinal)) && l.Contains("'" + key + "'", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no section for {key}");
        return lines.Skip(start + 1)
            .TakeWhile(l => l.StartsWith(' '))
            .Where(l => l.TrimStart().StartsWith("menuentry ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(" --id ", StringComparison.Ordinal) + 6)..].Split(' ')[0])
            .ToArray();
    }

    [Fact]
    public void Select_needs_a_single_platform() =>
        Assert.Throws<ArgumentException>(() => BootMenu.Select(BootConfiguration.Empty, BootMenuFormat.Grub, BootArchitecture.All));

    [Fact]
    public void The_facade_renders_standalone_menus_for_a_platform_and_client()
    {
        var config = BootConfiguration.Create([Linux("a"), Linux("mine") with { MacAddresses = ["52-54-00-12-34-56"] }]);
        string ipxe = BootMenuRenderer.Render(config, BootMenuFormat.Ipxe, architecture: BootArchitecture.EfiX64, client: BootClient.FromMac("52-54-00-12-34-56"));
        Assert.Contains("item s0-mine mine", ipxe, StringComparison.Ordinal);
        Assert.DoesNotContain("iseq", ipxe, StringComparison.Ordinal);
        Assert.Empty(IpxeGrammar.Check(ipxe));
        string grub = BootMenuRenderer.Render(config, BootMenuFormat.Grub, architecture: BootArchitecture.EfiX64);
        Assert.DoesNotContain("mine", grub, StringComparison.Ordinal);
        Assert.Empty(GrubGrammar.Check(grub));
        Assert.Contains("KERNEL a/vmlinuz", BootMenuRenderer.Render(config, BootMenuFormat.Pxelinux, architecture: BootArchitecture.EfiX64), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_writes_the_same_files_the_namespace_serves()
    {
        var config = BootConfiguration.Create([Linux("a") with { IsDefault = true }, Linux("mine") with { MacAddresses = ["52-54-00-12-34-56"] }]);
        var pxelinux = BootMenuExporter.Export(config, BootMenuFormat.Pxelinux, _dir.Path);
        Assert.Equal(
            [Path.Combine(_dir.Path, "pxelinux.cfg", "default"), Path.Combine(_dir.Path, "pxelinux.cfg", "01-52-54-00-12-34-56")],
            pxelinux);
        var source = new PxePowerShell.Engine.Boot.GeneratedMenuSource(() => config, BootMenuFormat.Pxelinux);
        Assert.Equal(source.Render(PxePowerShell.Engine.Files.BootPath.Parse("01-52-54-00-12-34-56"), config), File.ReadAllText(pxelinux[1]));

        Assert.Equal([Path.Combine(_dir.Path, "efi64", "pxelinux.cfg", "default"), Path.Combine(_dir.Path, "efi64", "pxelinux.cfg", "01-52-54-00-12-34-56")], BootMenuExporter.Export(config, BootMenuFormat.Syslinux, _dir.Path));
        Assert.Contains("KERNEL ::/a/vmlinuz", File.ReadAllText(Path.Combine(_dir.Path, "efi64", "pxelinux.cfg", "default")), StringComparison.Ordinal);
        Assert.Equal([Path.Combine(_dir.Path, "boot.ipxe")], BootMenuExporter.Export(config, BootMenuFormat.Ipxe, _dir.Path));
        Assert.Equal([Path.Combine(_dir.Path, "grub", "grub.cfg")], BootMenuExporter.Export(config, BootMenuFormat.Grub, _dir.Path));
        Assert.StartsWith("#!ipxe", File.ReadAllText(Path.Combine(_dir.Path, "boot.ipxe")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("xenserver/install.img", "xenserver/install.img", null)]
    [InlineData("  xenserver/boot/vmlinuz   console=hvc0 console=tty0 ", "xenserver/boot/vmlinuz", "console=hvc0 console=tty0")]
    public void Modules_parse_from_their_command_line_form(string text, string path, string? arguments)
    {
        var module = MultibootModule.Parse(text);
        Assert.Equal(new MultibootModule(path, arguments), module);
        Assert.Equal(text.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), module.ToString().Split(' '));
    }

    [Fact]
    public void An_empty_module_is_refused() =>
        Assert.Equal(PxeErrorIds.InvalidPath, Assert.Throws<BootEntryException>(() => MultibootModule.Parse("  ")).ErrorId);
}
