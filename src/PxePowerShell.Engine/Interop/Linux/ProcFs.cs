using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>What the engine reads from /proc (and the loop devices' backing files from /sys).</summary>
internal static class ProcFs
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>
    /// The path an open descriptor names now (the target of /proc/self/fd/N: links resolved, and a file
    /// renamed since it was opened shows its new name), or null when /proc cannot tell.
    /// </summary>
    /// <exception cref="IOException">The link cannot be read.</exception>
    public static string? DescriptorPath(SafeHandle handle) =>
        new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;

    /// <summary>The lines of /proc/self/mountinfo (none where there is no /proc).</summary>
    public static IEnumerable<string> MountInfoLines() =>
        File.Exists(MountInfo) ? File.ReadLines(MountInfo) : [];

    /// <summary>The image a loop device (<c>loop0</c>) reads, from /sys/block; null when it has none or is not a loop device.</summary>
    public static string? LoopBackingFile(string device)
    {
        string backing = $"/sys/block/{device}/loop/backing_file";
        return File.Exists(backing) ? File.ReadAllText(backing).Trim() : null;
    }
}
