using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso;

/// <summary>Images as users bring them: a partial download, and plain ISO 9660 images whose names are 8.3.</summary>
public sealed class IsoMigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-isomig-").FullName;

    private string Build(string name, Dictionary<string, int> files, params string[] options)
    {
        string tree = Path.Combine(_dir, name + "-tree");
        foreach (var (file, size) in files)
        {
            string full = Path.Combine(tree, file);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var bytes = new byte[size];
            new Random(size).NextBytes(bytes);
            File.WriteAllBytes(full, bytes);
        }

        string iso = Path.Combine(_dir, name + ".iso");
        IsoTestImages.Run(options[0], [.. options[1..], "-quiet", "-V", "MIG", "-o", iso, tree]);
        return iso;
    }

    [Fact]
    public void A_truncated_image_is_refused_at_mount_naming_the_declared_and_the_real_size()
    {
        string iso = Build("arch", new() { ["arch/boot/x86_64/vmlinuz-linux"] = 4 << 20, ["arch/boot/x86_64/initramfs-linux.img"] = 1000 }, "xorriso", "-as", "mkisofs", "-R", "-J");
        using (var whole = IsoImage.Open(iso))
        {
            Assert.NotNull(whole.Find("arch/boot/x86_64/vmlinuz-linux"));
        }

        string cut = Path.Combine(_dir, "cut.iso");
        using (var source = File.OpenRead(iso))
        using (var target = File.Create(cut))
        {
            var first = new byte[100 * 1024];
            source.ReadExactly(first);
            target.Write(first);
        }

        var error = Assert.Throws<IsoFormatException>(() => IsoImage.Open(cut));
        Assert.True(error.Truncated);
        Assert.Equal("primary volume descriptor", error.Structure);
        Assert.Contains($"the file has only {100 * 1024} bytes", error.Message, StringComparison.Ordinal);

        using var table = new IsoMountTable(null);
        Assert.True(Assert.Throws<IsoFormatException>(() => table.Mount(cut, "arch")).Truncated);
        Assert.Empty(table.Mounts);
    }

    [Fact]
    public async Task A_plain_ISO9660_Debian_live_image_gets_the_root_file_system_by_its_8_3_name()
    {
        string iso = Build("live", new() { ["live/vmlinuz"] = 1000, ["live/initrd.img"] = 1000, ["live/filesystem.squashfs"] = 3000 }, "genisoimage");
        using var table = new IsoMountTable(null);
        var boot = new BootNamespace();
        table.Attach(boot);
        var mount = table.Mount(iso, "d");
        Assert.Equal("Debian live", mount.Distribution);
        Assert.Contains("fetch={http}/d/live/filesyst.squ ", mount.Arguments, StringComparison.Ordinal);
        var opened = await boot.OpenAsync(BootPath.Parse("d/live/filesyst.squ"), BootRequestContext.Local);
        Assert.Equal(BootFileStatus.Ok, opened.Status);
        Assert.Equal(3000, opened.File!.Length);
        opened.File.Dispose();
    }

    [Fact]
    public void A_plain_ISO9660_netboot_tree_is_found_under_its_short_directory_names()
    {
        string iso = Build("netboot", new() { ["debian-installer/amd64/linux"] = 1000, ["debian-installer/amd64/initrd.gz"] = 1000 }, "genisoimage");
        using var table = new IsoMountTable(null);
        var mount = table.Mount(iso, "n");
        Assert.Equal("Debian installer (netboot)", mount.Distribution);
        Assert.Equal("n/debian_i/amd64/linux", mount.Kernel);
        Assert.Equal(["n/debian_i/amd64/initrd.gz"], mount.Initrd);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
