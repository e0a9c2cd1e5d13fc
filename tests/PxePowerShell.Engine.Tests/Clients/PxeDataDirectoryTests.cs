using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Tests.Clients;

public sealed class PxeDataDirectoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_environment_variable_wins_everywhere()
    {
        string path = Path.Combine(Path.GetTempPath(), "pxe-data");
        Assert.Equal(path, PxeDataDirectory.Resolve(Env(("PXEPOWERSHELL_DATA", path)), isWindows: false, isPrivileged: true, "/home/u"));
        Assert.Equal(path, PxeDataDirectory.Resolve(Env(("PXEPOWERSHELL_DATA", path)), isWindows: true, isPrivileged: false, "/home/u"));
    }

    [Fact]
    public void Linux_root_uses_var_lib()
    {
        Assert.Equal("/var/lib/pxepowershell", PxeDataDirectory.Resolve(Env(("XDG_DATA_HOME", "/x")), isWindows: false, isPrivileged: true, "/root"));
    }

    [Fact]
    public void Linux_users_use_XDG_DATA_HOME_or_local_share()
    {
        Assert.Equal(Path.Combine("/x/data", "PxePowerShell"), PxeDataDirectory.Resolve(Env(("XDG_DATA_HOME", "/x/data")), isWindows: false, isPrivileged: false, "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".local", "share", "PxePowerShell"), PxeDataDirectory.Resolve(Env(), isWindows: false, isPrivileged: false, "/home/u"));
        // A relative XDG_DATA_HOME is invalid by the XDG spec and ignored.
        Assert.Equal(Path.Combine("/home/u", ".local", "share", "PxePowerShell"), PxeDataDirectory.Resolve(Env(("XDG_DATA_HOME", "rel")), isWindows: false, isPrivileged: false, "/home/u"));
    }

    [Fact]
    public void Windows_uses_ProgramData()
    {
        Assert.Equal(Path.Combine(@"C:\ProgramData", "PxePowerShell"), PxeDataDirectory.Resolve(Env(("ProgramData", @"C:\ProgramData")), isWindows: true, isPrivileged: false, @"C:\Users\u"));
    }

    [Fact]
    public void Ensure_creates_the_directory()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Path, "a", "b");
        Assert.Equal(dir, PxeDataDirectory.Ensure(dir));
        Assert.True(Directory.Exists(dir));
    }
}
