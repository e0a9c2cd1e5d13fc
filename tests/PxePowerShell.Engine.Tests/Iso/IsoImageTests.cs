using System.Net;
using System.Text;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tests.Tftp;

namespace PxePowerShell.Engine.Tests.Iso;

/// <summary>Images made by xorriso and genisoimage, read back through the reader, TFTP and HTTP.</summary>
public sealed class IsoImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-iso-").FullName;

    private string Tree => field ??= IsoTestImages.CreateTree(_dir);

    private string Build(string name, params string[] mkisofsArguments)
    {
        string iso = Path.Combine(_dir, name);
        IsoTestImages.Run("xorriso", ["-as", "mkisofs", "-quiet", .. mkisofsArguments, "-V", "PXE_TEST", "-o", iso, Tree]);
        return iso;
    }

    [Fact]
    public void Rock_Ridge_and_Joliet_image_serves_posix_names_links_and_exact_bytes()
    {
        using var image = IsoImage.Open(Build("rr.iso", "-R", "-J"));
        Assert.Equal(["ISO9660", "Joliet", "RockRidge"], image.FileSystems.Order().ToArray());
        Assert.Equal("RockRidge", image.FileSystem.Name);
        Assert.Equal("PXE_TEST", image.VolumeLabel);

        AssertContent(image, "boot/x86_64/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
        AssertContent(image, "A Long File Name, with Spaces and MiXeD case.txt", Encoding.ASCII.GetBytes("long name\n"));
        AssertContent(image, "empty", []);
        AssertContent(image, "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt", Encoding.ASCII.GetBytes("twelve levels down\n"));

        // Links resolve inside the image: relative, absolute (from the image root), to a directory, through "..".
        AssertContent(image, "latest", IsoTestImages.Bytes(150_001, 1));
        AssertContent(image, "absolute", IsoTestImages.Bytes(70_000, 2));
        AssertContent(image, "kernels/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
        AssertContent(image, "boot/up", IsoTestImages.Bytes(150_001, 1));
        Assert.Null(image.Find("dangling"));
        var link = image.FindLink("latest")!;
        Assert.Equal(IsoEntryKind.Symlink, link.Kind);
        Assert.Equal("boot/x86_64/vmlinuz-linux", link.SymlinkTarget);
        Assert.Throws<IsoFormatException>(() => image.Find("loop1"));

        // Case-insensitive fallback, as TFTP clients from DOS-era firmware expect; exact names win.
        AssertContent(image, "BOOT/X86_64/VMLINUZ-LINUX", IsoTestImages.Bytes(150_001, 1));
        var vmlinuz = image.Find("boot/x86_64/vmlinuz-linux")!;
        Assert.Equal(0b110_100_100, vmlinuz.UnixMode! & 0b111_111_111);
        Assert.Single(vmlinuz.Extents);
        Assert.Contains(image.List("")!, e => e.Name == "A Long File Name, with Spaces and MiXeD case.txt");
        Assert.Null(image.List("empty"));
    }

    [Fact]
    public void Joliet_only_image_serves_unicode_long_names()
    {
        File.WriteAllText(Path.Combine(Tree, "Über große Datei.txt"), "umlauts\n");
        string iso = Path.Combine(_dir, "joliet.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-J", "-joliet-long", "-f", "-V", "JOLIET", "-o", iso, Tree);
        using var image = IsoImage.Open(iso);
        Assert.Equal("Joliet", image.FileSystem.Name);
        AssertContent(image, "Über große Datei.txt", Encoding.UTF8.GetBytes("umlauts\n"));
        AssertContent(image, "boot/x86_64/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
    }

    [Fact]
    public void Plain_level_1_names_read_as_Linux_shows_them()
    {
        string iso = Path.Combine(_dir, "plain.iso");
        Directory.CreateDirectory(Path.Combine(_dir, "plain", "isolinux"));
        File.WriteAllText(Path.Combine(_dir, "plain", "isolinux", "ISOLINUX.CFG"), "DEFAULT linux\n");
        File.WriteAllBytes(Path.Combine(_dir, "plain", "README"), IsoTestImages.Bytes(5000, 3));
        IsoTestImages.Run("genisoimage", "-quiet", "-V", "PLAIN", "-o", iso, Path.Combine(_dir, "plain"));
        using var image = IsoImage.Open(iso);
        Assert.Equal(["ISO9660"], image.FileSystems.ToArray());
        Assert.Equal(["isolinux", "readme"], image.List("")!.Select(e => e.Name).Order().ToArray());
        AssertContent(image, "isolinux/isolinux.cfg", Encoding.ASCII.GetBytes("DEFAULT linux\n"));
        AssertContent(image, "README", IsoTestImages.Bytes(5000, 3));
    }

    [Fact]
    public void Deep_directories_relocated_by_genisoimage_are_found_where_they_belong()
    {
        string iso = Path.Combine(_dir, "relocated.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-R", "-V", "DEEP", "-o", iso, Tree);
        using var image = IsoImage.Open(iso);
        Assert.Equal("RockRidge", image.FileSystem.Name);
        AssertContent(image, "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt", Encoding.ASCII.GetBytes("twelve levels down\n"));
        Assert.DoesNotContain(image.List("")!, e => e.Name == "d9");
    }

    [Fact]
    public void El_Torito_catalog_reports_the_BIOS_and_UEFI_boot_images()
    {
        Directory.CreateDirectory(Path.Combine(Tree, "isolinux"));
        File.WriteAllBytes(Path.Combine(Tree, "isolinux", "isolinux.bin"), IsoTestImages.Bytes(4096, 4));
        File.WriteAllBytes(Path.Combine(Tree, "efiboot.img"), IsoTestImages.Bytes(1440 * 1024, 5));
        string iso = Build(
            "boot.iso", "-R", "-J",
            "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
            "-eltorito-alt-boot", "-e", "efiboot.img", "-no-emul-boot");
        using var image = IsoImage.Open(iso);
        Assert.Equal(2, image.BootImages.Count);
        Assert.Equal(("BIOS", "NoEmulation", true, (ushort)4), (image.BootImages[0].Platform, image.BootImages[0].Emulation, image.BootImages[0].Bootable, image.BootImages[0].SectorCount));
        Assert.Equal("UEFI", image.BootImages[1].Platform);
        Assert.Equal(image.Find("efiboot.img")!.Extents[0].Offset, image.BootImages[1].Lba * 2048L);
    }

    [Fact]
    public async Task Files_in_a_mounted_image_are_served_byte_identical_over_TFTP_and_HTTP()
    {
        var boot = new BootNamespace(_dir);
        using var source = new IsoFileSource(IsoImage.Open(Build("served.iso", "-R", "-J")));
        boot.Mount(BootPath.Parse("arch"), source);
        await using var tftp = new TftpServer("iso-tftp", new TftpServerOptions { Address = IPAddress.Loopback, Port = 0 }, boot);
        await using var http = new HttpBootServer("iso-http", new HttpBootServerOptions { Address = IPAddress.Loopback, Port = 0 }, boot);
        await tftp.StartAsync();
        await http.StartAsync();

        var expected = IsoTestImages.Bytes(150_001, 1);
        using var client = new TftpRawClient();
        Assert.Equal(expected, await client.GetAsync(tftp.EndPoints[0], "arch/boot/x86_64/vmlinuz-linux"));
        Assert.Equal(expected, await client.GetAsync(tftp.EndPoints[0], "arch/latest"));

        using var web = new HttpClient();
        Assert.Equal(expected, await web.GetByteArrayAsync($"{http.BaseUri}arch/kernels/vmlinuz-linux"));
        var range = new HttpRequestMessage(HttpMethod.Get, $"{http.BaseUri}arch/boot/initramfs-linux.img");
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(69_990, 70_100);
        var partial = await web.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(IsoTestImages.Bytes(70_000, 2)[69_990..], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync($"{http.BaseUri}arch/dangling")).StatusCode);
    }

    [Fact]
    public void A_file_larger_than_4_GiB_is_read_across_its_extents()
    {
        string big = Path.Combine(Tree, "big.img");
        long size = (4L << 30) + 123_457;
        using (var stream = new FileStream(big, FileMode.Create))
        {
            stream.SetLength(size);
            stream.Position = (4L << 30) - 10;
            stream.Write(Encoding.ASCII.GetBytes("across the 4 GiB boundary"));
            stream.Position = size - 5;
            stream.Write(Encoding.ASCII.GetBytes("LAST!"));
        }

        Directory.Delete(Path.Combine(Tree, "d1"), recursive: true);
        string iso = Build("big.iso", "-R", "-iso-level", "3");
        File.Delete(big);
        using var image = IsoImage.Open(iso);
        var entry = image.Find("big.img")!;
        Assert.Equal(size, entry.Length);
        Assert.True(entry.Extents.Count >= 2, $"{entry.Extents.Count} extents");
        using var file = image.OpenFile(entry);
        Assert.Null(file.Physical);
        var buffer = new byte[25];
        Assert.Equal(25, file.Read((4L << 30) - 10, buffer));
        Assert.Equal("across the 4 GiB boundary", Encoding.ASCII.GetString(buffer));
        Assert.Equal(5, file.Read(size - 5, buffer));
        Assert.Equal("LAST!", Encoding.ASCII.GetString(buffer, 0, 5));
        Assert.Equal(0, file.Read(size, buffer));
        File.Delete(iso);
    }

    private static void AssertContent(IsoImage image, string path, byte[] expected)
    {
        var entry = image.Find(path);
        Assert.True(entry is not null, $"{path} not found");
        using var file = image.OpenFile(entry!);
        Assert.Equal(expected.Length, file.Length);
        var actual = new byte[expected.Length];
        int read = 0;
        while (read < actual.Length)
        {
            int n = file.Read(read, actual.AsSpan(read));
            Assert.True(n > 0, $"{path}: short read at {read}");
            read += n;
        }

        Assert.Equal(expected, actual);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
