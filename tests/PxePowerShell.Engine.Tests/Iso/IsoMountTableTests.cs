using System.Text;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso;

public sealed class IsoMountTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-isomount-").FullName;

    private string ArchIso()
    {
        string tree = Path.Combine(_dir, "archtree");
        Directory.CreateDirectory(Path.Combine(tree, "arch", "boot", "x86_64"));
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "x86_64", "vmlinuz-linux"), IsoTestImages.Bytes(40_000, 7));
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "x86_64", "initramfs-linux.img"), IsoTestImages.Bytes(30_000, 8));
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "intel-ucode.img"), IsoTestImages.Bytes(100, 9));
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "amd-ucode.img"), IsoTestImages.Bytes(100, 10));
        string iso = Path.Combine(_dir, "archlinux.iso");
        IsoTestImages.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "ARCH_202611", "-o", iso, tree);
        return iso;
    }

    [Fact]
    public async Task A_mount_shows_in_every_attached_namespace_and_an_open_file_outlives_the_dismount()
    {
        string state = Path.Combine(_dir, "state", "mounts.json");
        using var table = new IsoMountTable(state);
        var before = new BootNamespace(_dir);
        table.Attach(before);
        var mount = table.Mount(ArchIso(), "arch");
        var after = new BootNamespace(_dir);
        table.Attach(after);

        Assert.Equal("Arch Linux", mount.Distribution);
        Assert.Equal("arch", mount.Name);
        Assert.Equal("arch/arch/boot/x86_64/vmlinuz-linux", mount.Kernel);
        Assert.Equal(["arch/arch/boot/intel-ucode.img", "arch/arch/boot/amd-ucode.img", "arch/arch/boot/x86_64/initramfs-linux.img"], mount.Initrd);
        Assert.Contains("archiso_http_srv={http}/arch/", mount.Arguments, StringComparison.Ordinal);

        foreach (var boot in new[] { before, after })
        {
            var opened = await boot.OpenAsync(BootPath.Parse("arch/arch/boot/x86_64/vmlinuz-linux"), BootRequestContext.Local);
            Assert.Equal(BootFileStatus.Ok, opened.Status);
            opened.File!.Dispose();
        }

        Assert.Throws<InvalidOperationException>(() => table.Mount(ArchIso(), "ARCH"));
        Assert.Throws<ArgumentException>(() => table.Mount(ArchIso(), "a/b"));
        Assert.Throws<ArgumentException>(() => table.Mount(ArchIso(), ".."));

        // A transfer in flight keeps reading after the dismount; new requests find nothing.
        var inFlight = (await before.OpenAsync(BootPath.Parse("arch/arch/boot/x86_64/initramfs-linux.img"), BootRequestContext.Local)).File!;
        Assert.True(table.Unmount("arch"));
        Assert.Equal(BootFileStatus.NotFound, (await after.OpenAsync(BootPath.Parse("arch/arch/boot/x86_64/vmlinuz-linux"), BootRequestContext.Local)).Status);
        var buffer = new byte[30_000];
        Assert.Equal(30_000, inFlight.Read(0, buffer));
        Assert.Equal(IsoTestImages.Bytes(30_000, 8), buffer);
        inFlight.Dispose();
        Assert.False(table.Unmount("arch"));
    }

    [Fact]
    public void Mounts_come_back_after_a_restart_and_a_missing_image_is_reported()
    {
        string state = Path.Combine(_dir, "mounts.json");
        string iso = ArchIso();
        string copy = Path.Combine(_dir, "gone.iso");
        File.Copy(iso, copy);
        using (var first = new IsoMountTable(state))
        {
            first.Mount(iso, "arch");
            first.Mount(copy, "gone");
        }

        File.Delete(copy);
        using var second = new IsoMountTable(state);
        var failures = second.Restore();
        Assert.Equal(["arch"], second.Mounts.Select(m => m.MountPoint).ToArray());
        var failure = Assert.Single(failures);
        Assert.Equal("gone", failure.MountPoint);
        Assert.Contains("gone.iso", failure.Error, StringComparison.Ordinal);
    }

    private static async Task<BootFileStatus> StatusAsync(BootNamespace boot, string path)
    {
        var opened = await boot.OpenAsync(BootPath.Parse(path), BootRequestContext.Local);
        opened.File?.Dispose();
        return opened.Status;
    }

    [Fact]
    public async Task A_mount_scoped_to_a_server_is_served_only_in_that_servers_namespaces()
    {
        using var table = new IsoMountTable(Path.Combine(_dir, "mounts.json"));
        var first = new BootNamespace(_dir);
        var second = new BootNamespace(_dir);
        var unnamed = new BootNamespace(_dir);
        table.Attach(first, "tftp-a");
        table.Attach(second, "tftp-b");
        table.Attach(unnamed);
        string iso = ArchIso();
        const string Kernel = "arch/arch/boot/x86_64/vmlinuz-linux";

        var scoped = table.Mount(iso, "arch", ["TFTP-A", " tftp-a "]);
        Assert.Equal(["TFTP-A"], scoped.Servers);
        Assert.True(scoped.IsServedBy("tftp-a"));
        Assert.False(scoped.IsServedBy("tftp-b"));
        Assert.False(scoped.IsServedBy(null));
        Assert.Equal(BootFileStatus.Ok, await StatusAsync(first, Kernel));
        Assert.Equal(BootFileStatus.NotFound, await StatusAsync(second, Kernel));
        Assert.Equal(BootFileStatus.NotFound, await StatusAsync(unnamed, Kernel));

        // An unscoped mount is everywhere; the mount point stays unique whatever the scope.
        var everywhere = table.Mount(iso, "all");
        Assert.Empty(everywhere.Servers);
        foreach (var boot in new[] { first, second, unnamed })
        {
            Assert.Equal(BootFileStatus.Ok, await StatusAsync(boot, "all/arch/boot/x86_64/vmlinuz-linux"));
        }

        Assert.Throws<InvalidOperationException>(() => table.Mount(iso, "arch", ["tftp-b"]));
        Assert.Throws<ArgumentException>(() => table.Mount(iso, "blank", ["tftp-a", " "]));
        Assert.Equal(["arch", "all"], table.MountsServedBy("tftp-a").Select(m => m.MountPoint).ToArray());
        Assert.Equal(["all"], table.MountsServedBy("tftp-b").Select(m => m.MountPoint).ToArray());

        // The server stops and starts again under the same name: its new namespace serves the scoped image again.
        table.Detach(first);
        var restarted = new BootNamespace(_dir);
        table.Attach(restarted, "tftp-a");
        var other = new BootNamespace(_dir);
        table.Attach(other, "tftp-c");
        Assert.Equal(BootFileStatus.Ok, await StatusAsync(restarted, Kernel));
        Assert.Equal(BootFileStatus.NotFound, await StatusAsync(other, Kernel));

        // Dismounting removes it where it was served and leaves the others alone.
        Assert.True(table.Unmount("arch"));
        Assert.Equal(BootFileStatus.NotFound, await StatusAsync(restarted, Kernel));
        Assert.Equal(BootFileStatus.Ok, await StatusAsync(other, "all/arch/boot/x86_64/vmlinuz-linux"));
    }

    [Fact]
    public async Task Scoped_mounts_come_back_with_their_servers_and_old_state_files_stay_readable()
    {
        string state = Path.Combine(_dir, "mounts.json");
        string iso = ArchIso();
        using (var first = new IsoMountTable(state))
        {
            first.Mount(iso, "arch", ["pxe1", "tftp2"]);
            first.Mount(iso, "shared");
        }

        using (var second = new IsoMountTable(state))
        {
            Assert.Empty(second.Restore());
            Assert.Equal(["pxe1", "tftp2"], second.Mounts.Single(m => m.MountPoint == "arch").Servers);
            Assert.Empty(second.Mounts.Single(m => m.MountPoint == "shared").Servers);
            var served = new BootNamespace(_dir);
            var notServed = new BootNamespace(_dir);
            second.Attach(served, "TFTP2");
            second.Attach(notServed, "pxe2");
            Assert.Equal(BootFileStatus.Ok, await StatusAsync(served, "arch/arch/boot/x86_64/vmlinuz-linux"));
            Assert.Equal(BootFileStatus.NotFound, await StatusAsync(notServed, "arch/arch/boot/x86_64/vmlinuz-linux"));
            Assert.Equal(BootFileStatus.Ok, await StatusAsync(notServed, "shared/arch/boot/x86_64/vmlinuz-linux"));
        }

        // A mounts.json written before scopes existed: every mount is unscoped.
        File.WriteAllText(state, $$"""[ { "Path": "{{iso.Replace("\\", "\\\\", StringComparison.Ordinal)}}", "MountPoint": "old" } ]""");
        using var third = new IsoMountTable(state);
        Assert.Empty(third.Restore());
        var old = Assert.Single(third.Mounts);
        Assert.Equal("old", old.MountPoint);
        Assert.Empty(old.Servers);
        var saved = Assert.Single(third.ReadState());
        Assert.Empty(saved.Servers);
    }

    [Fact]
    public void An_image_of_unknown_layout_mounts_with_a_warning_and_no_entries()
    {
        string tree = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(Path.Combine(tree, "isolinux"));
        File.WriteAllText(Path.Combine(tree, "isolinux", "isolinux.cfg"), "DEFAULT x\n");
        string iso = Path.Combine(_dir, "unknown.iso");
        IsoTestImages.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "ODD", "-o", iso, tree);
        using var table = new IsoMountTable(null);
        var mount = table.Mount(iso, "odd");
        Assert.Null(mount.Distribution);
        Assert.Empty(mount.ProposedEntries);
        Assert.Null(mount.Name);
        Assert.Contains("odd/isolinux/isolinux.cfg", Assert.Single(mount.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_of_unknown_layout_gets_the_entries_of_its_own_isolinux_menu()
    {
        string tree = Path.Combine(_dir, "rescue");
        Directory.CreateDirectory(Path.Combine(tree, "boot", "isolinux"));
        File.WriteAllBytes(Path.Combine(tree, "boot", "kernel"), IsoTestImages.Bytes(5_000, 1));
        File.WriteAllBytes(Path.Combine(tree, "boot", "isolinux", "initrd.gz"), IsoTestImages.Bytes(3_000, 2));
        File.WriteAllText(Path.Combine(tree, "boot", "isolinux", "isolinux.cfg"), """
            UI vesamenu.c32
            MENU TITLE Rescue disc
            DEFAULT rescue
            LABEL rescue
              MENU LABEL ^Rescue shell
              KERNEL /boot/kernel
              APPEND initrd=initrd.gz console=ttyS0
            LABEL hdt
              COM32 hdt.c32
            """);
        string iso = Path.Combine(_dir, "rescue.iso");
        IsoTestImages.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "RESCUE", "-o", iso, tree);
        using var table = new IsoMountTable(null);
        var boot = new BootNamespace(_dir);
        table.Attach(boot);
        var mount = table.Mount(iso, "rescue");

        Assert.Null(mount.Distribution);
        var entry = Assert.Single(mount.ProposedEntries);
        Assert.Equal("rescue-rescue", entry.Name);
        Assert.Equal("Rescue shell", entry.Label);
        Assert.True(entry.IsDefault);
        Assert.Equal("rescue/boot/kernel", entry.Kernel);
        Assert.Equal(["rescue/boot/isolinux/initrd.gz"], entry.Initrd);
        Assert.Equal("console=ttyS0", entry.Arguments);
        Assert.Contains(mount.Warnings, w => w.Contains("translated from its own menu rescue/boot/isolinux/isolinux.cfg", StringComparison.Ordinal));
        Assert.Contains(mount.Warnings, w => w.Contains("boot/isolinux/isolinux.cfg:8: LABEL hdt: the COM32 module hdt.c32", StringComparison.Ordinal));

        // The translated paths are the ones TFTP and HTTP serve from the mount.
        foreach (var path in new[] { entry.Kernel!, entry.Initrd[0] })
        {
            var opened = await boot.OpenAsync(BootPath.Parse(path), BootRequestContext.Local);
            Assert.Equal(BootFileStatus.Ok, opened.Status);
            opened.File!.Dispose();
        }
    }

    [Theory]
    [InlineData("live/vmlinuz", "live/initrd.img", "Debian live", "fetch={http}/d/live/filesystem.squashfs")]
    [InlineData("install.amd/vmlinuz", "install.amd/initrd.gz", "Debian installer", "priority=low")]
    [InlineData("casper/vmlinuz", "casper/initrd", "Ubuntu", "url={http}/d.iso")]
    [InlineData("images/pxeboot/vmlinuz", "images/pxeboot/initrd.img", "Fedora/RHEL family", "inst.repo={http}/d/")]
    [InlineData("sysresccd/boot/x86_64/vmlinuz", "sysresccd/boot/x86_64/sysresccd.img", "SystemRescue", "archisobasedir=sysresccd")]
    public void Distributions_are_recognised_by_their_layout(string kernel, string initrd, string distribution, string argument)
    {
        string tree = Path.Combine(_dir, "t" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var file in new[] { kernel, initrd })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, file))!);
            File.WriteAllText(Path.Combine(tree, file), file);
        }

        string iso = Path.Combine(_dir, Path.GetFileName(tree) + ".iso");
        IsoTestImages.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "X", "-o", iso, tree);
        using var table = new IsoMountTable(null);
        var mount = table.Mount(iso, "d");
        Assert.Equal(distribution, mount.Distribution);
        Assert.Equal($"d/{kernel}", mount.Kernel);
        Assert.Equal([$"d/{initrd}"], mount.Initrd);
        Assert.Contains(argument, mount.Arguments, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
