using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>UDF images through the mount table, as Mount-PxeIso uses it: UDF listed among the file systems, files served.</summary>
public sealed class UdfMountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-udfmount-").FullName;

    [Fact]
    public async Task A_UDF_only_image_mounts_lists_UDF_and_serves_its_files()
    {
        var writer = new UdfImageWriter(0x0260, sectors: 1024, label: "WIN_INSTALL");
        writer.AddDirectory("sources");
        writer.AddFile("sources/boot.wim", IsoTestImages.Bytes(200_000, 5), extentBytes: 32 * 1024);
        string img = Path.Combine(_dir, "win.iso");
        await File.WriteAllBytesAsync(img, writer.Build());

        using var table = new IsoMountTable(Path.Combine(_dir, "state", "mounts.json"));
        var boot = new BootNamespace(_dir);
        table.Attach(boot);
        var mount = table.Mount(img, "win");
        Assert.Equal(["UDF 2.60"], mount.FileSystems.ToArray());
        Assert.Equal("UDF 2.60", mount.FileSystem);
        Assert.Equal("WIN_INSTALL", mount.VolumeLabel);
        var opened = await boot.OpenAsync(BootPath.Parse("win/sources/boot.wim"), BootRequestContext.Local);
        Assert.Equal(BootFileStatus.Ok, opened.Status);
        using var file = opened.File!;
        var buffer = new byte[200_000];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = file.Read(read, buffer.AsSpan(read));
            Assert.True(n > 0);
            read += n;
        }

        Assert.Equal(IsoTestImages.Bytes(200_000, 5), buffer);
    }

    [Fact]
    public void A_hybrid_with_a_damaged_UDF_side_mounts_with_a_warning()
    {
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "boot"));
        File.WriteAllBytes(Path.Combine(tree, "boot", "kernel"), IsoTestImages.Bytes(10_000, 3));
        string iso = Path.Combine(_dir, "hybrid.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-J", "-V", "HYBRID", "-o", iso, tree);
        var bytes = File.ReadAllBytes(iso);
        var (_, entry) = UdfTestImages.Locate(bytes, "boot");
        bytes[entry + 4] ^= 0xFF;
        File.WriteAllBytes(iso, bytes);

        using var table = new IsoMountTable(Path.Combine(_dir, "state", "mounts.json"));
        var mount = table.Mount(iso, "hybrid");
        Assert.Equal("Joliet", mount.FileSystem);
        Assert.DoesNotContain(mount.FileSystems, f => f.StartsWith("UDF", StringComparison.Ordinal));
        Assert.Contains(mount.Warnings, w => w.Contains("UDF name space was not used", StringComparison.Ordinal) && w.Contains("/boot", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
