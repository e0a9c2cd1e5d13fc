using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>The time from power-on to a scenario's marker: in the test output and appended to <see cref="File"/> (for docs/benchmarks.md).</summary>
internal static class BootTimes
{
    /// <summary>Tab-separated: when, scenario, server, seconds.</summary>
    public static string File => Path.Combine(Path.GetTempPath(), "pxepowershell-e2e-times.tsv");

    public static void Record(ITestOutputHelper output, string scenario, string server, TimeSpan elapsed)
    {
        output.WriteLine($"{scenario} via {server}: {elapsed.TotalSeconds:0.0} s from power-on to the marker");
        System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:O}\t{scenario}\t{server}\t{elapsed.TotalSeconds:0.0}\n");
    }
}
