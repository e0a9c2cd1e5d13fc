using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Files;

public sealed class BootPathTests
{
    [Theory]
    [InlineData("pxelinux.0", "pxelinux.0")]
    [InlineData("/pxelinux.0", "pxelinux.0")]
    [InlineData("pxelinux.cfg//default", "pxelinux.cfg/default")]
    [InlineData("./boot/./vmlinuz", "boot/vmlinuz")]
    [InlineData("arch/boot/x86_64/", "arch/boot/x86_64")]
    [InlineData("/", "")]
    [InlineData("file%20name", "file%20name")]
    public void Accepts_and_normalizes_safe_paths(string raw, string expected)
    {
        Assert.True(BootPath.TryParse(raw, out var path, out var reason), reason);
        Assert.Equal(expected, path.Value);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("..")]
    [InlineData("boot\\..\\secret")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("c:")]
    [InlineData("a/c:/b")]
    [InlineData("//server/share")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("%2e%2e/etc/passwd")]
    [InlineData("a/%2E%2E/%2e%2e/b")]
    [InlineData("a%2fb")]
    [InlineData("a%5cb")]
    [InlineData("a%00b")]
    public void Refuses_paths_that_could_escape(string raw)
    {
        Assert.False(BootPath.TryParse(raw, out _, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void Refuses_overlong_paths()
    {
        Assert.False(BootPath.TryParse(new string('a', BootPath.MaxLength + 1), out _, out _));
    }

    [Fact]
    public void Prefix_relations_respect_segment_boundaries()
    {
        var arch = BootPath.Parse("arch");
        Assert.True(BootPath.Parse("arch/boot/vmlinuz").StartsWith(arch));
        Assert.False(BootPath.Parse("archive/x").StartsWith(arch));
        Assert.Equal("boot/vmlinuz", BootPath.Parse("arch/boot/vmlinuz").RelativeTo(arch).Value);
        Assert.True(BootPath.Parse("arch").RelativeTo(arch).IsRoot);
    }
}
