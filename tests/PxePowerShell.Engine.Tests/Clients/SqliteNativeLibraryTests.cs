using System.Runtime.InteropServices;
using PxePowerShell.Engine.Clients;

namespace PxePowerShell.Engine.Tests.Clients;

public sealed class SqliteNativeLibraryTests
{
    [Fact]
    public void The_resolver_probes_the_runtimes_folder_of_this_platform_first_and_the_base_folder_last()
    {
        var candidates = SqliteNativeLibrary.CandidateFiles("/m").ToList();
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string file = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        Assert.Contains(Path.Combine("/m", "runtimes", $"{os}-{arch}", "native", file), candidates);
        Assert.Equal(Path.Combine("/m", file), candidates[^1]);
        Assert.Equal(candidates.Count, candidates.Distinct().Count());
    }
}
