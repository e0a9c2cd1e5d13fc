using System.Text;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Files;

public sealed class DirectoryFileSourceTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("pxeps-dir-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public DirectoryFileSourceTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(_root, "boot"));
        File.WriteAllText(Path.Combine(_root, "boot", "vmlinuz"), "kernel");
        File.CreateSymbolicLink(Path.Combine(_root, "inside-link"), Path.Combine(_root, "boot", "vmlinuz"));
        File.CreateSymbolicLink(Path.Combine(_root, "relative-link"), "boot/vmlinuz");
        File.CreateSymbolicLink(Path.Combine(_root, "outside-link"), Path.Combine(_outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(_root, "climbing-link"), "../outside/secret.txt");
        Directory.CreateSymbolicLink(Path.Combine(_root, "outside-dir"), _outside);
        Directory.CreateSymbolicLink(Path.Combine(_root, "boot-alias"), Path.Combine(_root, "boot"));
        File.CreateSymbolicLink(Path.Combine(_root, "loop-a"), Path.Combine(_root, "loop-b"));
        File.CreateSymbolicLink(Path.Combine(_root, "loop-b"), Path.Combine(_root, "loop-a"));
    }

    private BootFileResult Open(string path) => new DirectoryFileSource(_root).Open(BootPath.Parse(path));

    private static string ReadAll(IBootFile file)
    {
        var buffer = new byte[file.Length];
        Assert.Equal(buffer.Length, file.Read(0, buffer));
        return Encoding.UTF8.GetString(buffer);
    }

    [Theory]
    [InlineData("boot/vmlinuz")]
    [InlineData("inside-link")]
    [InlineData("relative-link")]
    [InlineData("boot-alias/vmlinuz")]
    [InlineData("BOOT/VMLINUZ")]
    public void Serves_files_and_links_that_stay_inside_the_root(string path)
    {
        var result = Open(path);
        Assert.Equal(BootFileStatus.Ok, result.Status);
        using var file = result.File!;
        Assert.Equal("kernel", ReadAll(file));
        Assert.NotNull(file.Physical);
    }

    [Theory]
    [InlineData("outside-link")]
    [InlineData("climbing-link")]
    [InlineData("outside-dir/secret.txt")]
    [InlineData("loop-a")]
    public void Refuses_links_that_lead_outside_or_loop(string path)
    {
        Assert.Equal(BootFileStatus.AccessDenied, Open(path).Status);
    }

    [Fact]
    public void Missing_files_and_directories_are_told_apart()
    {
        Assert.Equal(BootFileStatus.NotFound, Open("nothing").Status);
        Assert.Equal(BootFileStatus.NotFound, Open("nothing/below").Status);
        Assert.Equal(BootFileStatus.IsDirectory, Open("boot").Status);
    }

    [Fact]
    public void Reads_are_positional_and_end_at_the_length()
    {
        using var file = Open("boot/vmlinuz").File!;
        var buffer = new byte[4];
        Assert.Equal(4, file.Read(2, buffer));
        Assert.Equal("rnel", Encoding.ASCII.GetString(buffer));
        Assert.Equal(0, file.Read(6, buffer));
        Assert.Equal(0, file.Read(100, buffer));
    }

    [Fact]
    public void Uploads_appear_only_when_committed_and_never_overwrite_unless_asked()
    {
        var source = new DirectoryFileSource(_root);
        var created = source.Create(BootPath.Parse("boot/upload.bin"), overwrite: false);
        Assert.Equal(BootFileStatus.Ok, created.Status);
        using (var writer = created.Writer!)
        {
            writer.Write("abc"u8);
            Assert.False(File.Exists(Path.Combine(_root, "boot", "upload.bin")));
            writer.Commit();
        }

        Assert.Equal("abc", File.ReadAllText(Path.Combine(_root, "boot", "upload.bin")));
        Assert.Equal(BootFileStatus.AlreadyExists, source.Create(BootPath.Parse("boot/upload.bin"), overwrite: false).Status);

        using (var discarded = source.Create(BootPath.Parse("boot/upload.bin"), overwrite: true).Writer!)
        {
            discarded.Write("partial"u8);
        }

        Assert.Equal("abc", File.ReadAllText(Path.Combine(_root, "boot", "upload.bin")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "boot"), "*.part"));
        Assert.Equal(BootFileStatus.AccessDenied, source.Create(BootPath.Parse("outside-dir/x"), overwrite: false).Status);
    }

    [Fact]
    public async Task Namespace_resolves_the_longest_prefix()
    {
        var ns = new BootNamespace(_root);
        var other = Directory.CreateDirectory(Path.Combine(_base, "iso")).FullName;
        File.WriteAllText(Path.Combine(other, "vmlinuz"), "iso-kernel");
        ns.Mount(BootPath.Parse("boot"), new DirectoryFileSource(other));
        var fromMount = await ns.OpenAsync(BootPath.Parse("boot/vmlinuz"), BootRequestContext.Local);
        using (var file = fromMount.File!)
        {
            Assert.Equal("iso-kernel", ReadAll(file));
        }

        Assert.Throws<InvalidOperationException>(() => ns.Mount(BootPath.Parse("boot"), new DirectoryFileSource(other)));
        Assert.True(ns.Unmount(BootPath.Parse("boot")));
        using var again = (await ns.OpenAsync(BootPath.Parse("boot/vmlinuz"), BootRequestContext.Local)).File!;
        Assert.Equal("kernel", ReadAll(again));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
