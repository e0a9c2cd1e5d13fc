using System.Diagnostics;

namespace PxePowerShell.Engine.Tests.TestSupport;

/// <summary>The short set-up commands of the labs (<c>ip</c>, <c>sysctl</c>): run to the end, output returned.</summary>
internal static class Command
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> and returns its standard output; throws with its standard error if it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {stderr.Result}");
        }

        return output;
    }
}
