using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// Makes the native SQLite library (e_sqlite3) loadable when the engine is not the application: inside pwsh the
/// runtime only probes the application's own deps.json and the assembly's folder, while the library lives in
/// <c>runtimes/&lt;rid&gt;/native/</c> next to the engine. This resolver finds it there, for the running OS and CPU.
/// </summary>
internal static class SqliteNativeLibrary
{
    private static int s_registered;

    /// <summary>The library file the resolver loaded, or null when the runtime found it by itself.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>Registers the resolver once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
        {
            return;
        }

        var provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(provider) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += Resolve;
    }

    /// <summary>The folders to probe, most specific first.</summary>
    internal static IEnumerable<string> CandidateFiles(string baseDirectory)
    {
        string file = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
        foreach (var rid in RuntimeIdentifiers())
        {
            yield return Path.Combine(baseDirectory, "runtimes", rid, "native", file);
        }

        yield return Path.Combine(baseDirectory, file);
    }

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        if (!name.Contains("e_sqlite3", StringComparison.OrdinalIgnoreCase))
        {
            return IntPtr.Zero;
        }

        string? baseDirectory = Path.GetDirectoryName(typeof(SqliteNativeLibrary).Assembly.Location);
        if (string.IsNullOrEmpty(baseDirectory))
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in CandidateFiles(baseDirectory))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                LoadedFrom = candidate;
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] candidates = OperatingSystem.IsWindows() ? [$"win-{arch}"]
            : OperatingSystem.IsMacOS() ? [$"osx-{arch}"]
            : IsMusl() ? [$"linux-musl-{arch}", $"linux-{arch}"]
            : [$"linux-{arch}"];
        foreach (var rid in candidates.Prepend(RuntimeInformation.RuntimeIdentifier))
        {
            if (seen.Add(rid))
            {
                yield return rid;
            }
        }
    }

    private static bool IsMusl()
    {
        try
        {
            return OperatingSystem.IsLinux() && Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any();
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
