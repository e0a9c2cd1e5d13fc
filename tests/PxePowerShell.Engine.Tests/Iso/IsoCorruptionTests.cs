using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso;

/// <summary>Truncated, looping and lying images: always an IsoFormatException naming the structure, never a hang or a crash.</summary>
public sealed class IsoCorruptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-isobad-").FullName;
    private readonly byte[] _good;

    public IsoCorruptionTests()
    {
        string tree = IsoTestImages.CreateTree(_dir);
        string iso = Path.Combine(_dir, "good.iso");
        IsoTestImages.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "GOOD", "-o", iso, tree);
        _good = File.ReadAllBytes(iso);
    }

    private string Write(byte[] bytes, string name)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(16 * 2048 + 10)]
    [InlineData(17 * 2048)]
    [InlineData(20 * 2048)]
    [InlineData(-2048 * 8)]
    [InlineData(-1)]
    public void A_truncated_image_is_a_clear_error_or_reads_what_is_there(int cut)
    {
        int length = cut >= 0 ? cut : _good.Length + cut;
        string path = Write(_good[..length], $"cut{length}.iso");
        var outcome = Record.Exception(() =>
        {
            using var image = IsoImage.Open(path);
            IsoTestImages.Walk(image);
        });
        if (outcome is not null)
        {
            var error = Assert.IsType<IsoFormatException>(outcome);
            Assert.False(string.IsNullOrEmpty(error.Structure));
        }
    }

    [Fact]
    public void Not_an_image_at_all_says_so()
    {
        var error = Assert.Throws<IsoFormatException>(() => IsoImage.Open(Write(Encoding.ASCII.GetBytes(new string('x', 64 * 1024)), "text.iso")));
        Assert.Contains("is it an ISO image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_that_points_at_its_parent_does_not_loop()
    {
        var bytes = (byte[])_good.Clone();
        var (rootLba, records) = RootRecords(bytes);
        int d1 = records.Single(r => r.Name == "D1").Offset;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(d1 + 2), rootLba); // d1 -> the root itself
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(d1 + 6), rootLba);
        using var image = IsoImage.Open(Write(bytes, "loop.iso"));
        await Task.Run(() => IsoTestImages.Walk(image)).WaitAsync(TimeSpan.FromSeconds(20)); // TimeoutException = it loops
        Assert.NotNull(image.Find("d1/d1/d1/d1/boot/x86_64/vmlinuz-linux"));
    }

    [Fact]
    public void An_absurd_file_length_is_refused_naming_the_file()
    {
        var bytes = (byte[])_good.Clone();
        var (_, records) = RootRecords(bytes);
        int empty = records.Single(r => r.Name == "EMPTY.").Offset;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(empty + 10), 0xFFFF_FFF0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(empty + 14), 0xFFFF_FFF0);
        using var image = IsoImage.Open(Write(bytes, "absurd.iso"));
        var error = Assert.Throws<IsoFormatException>(() => image.List(""));
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Structure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_length_shorter_than_a_record_is_refused()
    {
        var bytes = (byte[])_good.Clone();
        var (_, records) = RootRecords(bytes);
        bytes[records[^1].Offset] = 20; // shorter than the 33 fixed bytes of a record
        using var image = IsoImage.Open(Write(bytes, "record.iso"));
        var error = Assert.Throws<IsoFormatException>(() => IsoTestImages.Walk(image));
        Assert.StartsWith("directory record", error.Structure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_continuation_area_that_points_at_itself_ends()
    {
        // Make the root "." record's SUSP area hold a CE entry that points back at the same bytes.
        var bytes = (byte[])_good.Clone();
        var (rootLba, _) = RootRecords(bytes);
        int dot = (int)rootLba * 2048;
        int su = dot + 34;
        var ce = new byte[28];
        ce[0] = (byte)'C';
        ce[1] = (byte)'E';
        ce[2] = 28;
        ce[3] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(ce.AsSpan(4), rootLba);
        BinaryPrimitives.WriteUInt32LittleEndian(ce.AsSpan(12), (uint)(su + 7 - dot));
        BinaryPrimitives.WriteUInt32LittleEndian(ce.AsSpan(20), 28);
        int length = bytes[dot];
        Assert.True(length >= 34 + 7 + 28, $"root record of {length} bytes has no room");
        ce.CopyTo(bytes, su + 7); // after SP (7 bytes)
        using var image = IsoImage.Open(Write(bytes, "celoop.iso"));
        var outcome = await Task.Run(() => Record.Exception(() => IsoTestImages.Walk(image))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(outcome is null or IsoFormatException, outcome?.ToString());
    }

    [Fact]
    public void Random_byte_flips_only_ever_give_IsoFormatException()
    {
        // Flip bytes in the structures (the first 64 sectors: descriptors, path tables, directories).
        int limit = Math.Min(_good.Length, 64 * 2048);
        var flips = Gen.Choose(16 * 2048, limit - 1).Zip(Gen.Choose(0, 255)).ArrayOf().Where(a => a.Length is > 0 and < 40);
        Prop.ForAll(flips.ToArbitrary(), changes =>
        {
            var bytes = (byte[])_good.Clone();
            foreach (var (at, value) in changes)
            {
                bytes[at] = (byte)value;
            }

            string path = Write(bytes, "flip.iso");
            var task = Task.Run(() => Record.Exception(() =>
            {
                using var image = IsoImage.Open(path);
                IsoTestImages.Walk(image);
                _ = image.Find("boot/x86_64/vmlinuz-linux");
                _ = image.Find("latest");
            }));
            Assert.True(task.Wait(TimeSpan.FromSeconds(20)), "hang");
            Assert.True(task.Result is null or IsoFormatException, task.Result?.ToString());
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The root directory's block and its records (offsets in the image, raw identifiers) of the primary tree.</summary>
    private static (uint RootLba, List<(int Offset, string Name)> Records) RootRecords(byte[] image)
    {
        int pvd = 16 * 2048;
        uint rootLba = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(pvd + 156 + 2));
        var records = new List<(int, string)>();
        int at = (int)rootLba * 2048;
        int end = at + 2048;
        while (at < end && image[at] != 0)
        {
            int length = image[at];
            int nameLength = image[at + 32];
            string name = Encoding.ASCII.GetString(image, at + 33, nameLength);
            int semicolon = name.IndexOf(';', StringComparison.Ordinal);
            records.Add((at, semicolon >= 0 ? name[..semicolon] : name));
            at += length;
        }

        return (rootLba, records);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
