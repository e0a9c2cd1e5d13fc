using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// A real PowerShell runspace with the built module imported from out/PxePowerShell, as a user would import it.
/// One per test class (IClassFixture); each Invoke runs a script and returns its output and errors.
/// </summary>
public sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    static ModuleHost()
    {
        // Keep the module's data (client inventory, …) out of the real data directory (/var/lib/pxepowershell as root).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PXEPOWERSHELL_DATA")))
        {
            Environment.SetEnvironmentVariable("PXEPOWERSHELL_DATA", DefaultDataDirectory);
        }
    }

    public ModuleHost()
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        var result = Invoke($"Import-Module '{ManifestPath}' -ErrorAction Stop -PassThru");
        if (result.Errors.Count > 0 || result.Output.Count != 1)
        {
            throw new InvalidOperationException($"Import-Module failed: {string.Join("; ", result.Errors)}");
        }
    }

    /// <summary>The repository root (where PxePowerShell.sln is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The built module's manifest.</summary>
    public static string ManifestPath => Path.Combine(RepoRoot, "out", "PxePowerShell", "PxePowerShell.psd1");

    /// <summary>The data directory the tests give the module unless PXEPOWERSHELL_DATA was already set.</summary>
    public static string DefaultDataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"pxeps-module-tests-{Environment.ProcessId}");

    /// <summary>The sample boot root the build generates.</summary>
    public static string SampleRoot => Path.Combine(RepoRoot, "out", "sample-root");

    /// <summary>Runs <paramref name="script"/>; <paramref name="variables"/> are set first. Never throws for script errors.</summary>
    public InvocationResult Invoke(string script, IDictionary<string, object?>? variables = null)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
            {
                _runspace.SessionStateProxy.SetVariable(name, value);
            }
        }

        shell.AddScript(script);
        Collection<PSObject> output;
        ErrorRecord? terminating = null;
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = [];
            terminating = ex.ErrorRecord;
        }

        var errors = shell.Streams.Error.ToList();
        if (terminating is not null)
        {
            errors.Add(terminating);
        }

        return new InvocationResult(output, errors, shell.Streams.Warning.Select(w => w.Message).ToList(), shell.Streams.Verbose.Select(v => v.Message).ToList());
    }

    /// <summary>Starts <paramref name="script"/> without waiting (for -Wait pipelines); stop it with the returned handle.</summary>
    public RunningScript Start(string script)
    {
        var shell = PowerShell.Create();
        shell.Runspace = RunspaceFactory.CreateRunspace(_runspace.InitialSessionState);
        shell.Runspace.Open();
        shell.AddScript($"Import-Module '{ManifestPath}' -ErrorAction Stop").AddStatement().AddScript(script);
        var output = new PSDataCollection<PSObject>();
        var async = shell.BeginInvoke<PSObject, PSObject>(null, output);
        return new RunningScript(shell, output, async);
    }

    public void Dispose() => _runspace.Dispose();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PxePowerShell.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PxePowerShell.sln not found above the test assembly.");
    }
}

/// <summary>What a script wrote.</summary>
public sealed record InvocationResult(IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Warnings, IReadOnlyList<string> Verbose)
{
    /// <summary>Fails the test when the script reported errors.</summary>
    public InvocationResult AssertNoErrors()
    {
        Assert.True(Errors.Count == 0, "script errors: " + string.Join(" | ", Errors.Select(e => $"[{e.FullyQualifiedErrorId}] {e}")));
        return this;
    }

    /// <summary>The single error, asserted to have <paramref name="errorId"/> (the part before the comma of FullyQualifiedErrorId).</summary>
    public ErrorRecord SingleError(string errorId)
    {
        var error = Assert.Single(Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        return error;
    }
}

/// <summary>A pipeline running in its own runspace (for -Wait); Stop() is Ctrl+C.</summary>
public sealed class RunningScript(PowerShell shell, PSDataCollection<PSObject> output, IAsyncResult async) : IDisposable
{
    public PSDataCollection<PSObject> Output => output;

    public PowerShell Shell => shell;

    /// <summary>Waits until an output object satisfies <paramref name="predicate"/>.</summary>
    public PSObject WaitForOutput(Func<PSObject, bool> predicate, TimeSpan timeout)
    {
        using var arrived = new SemaphoreSlim(0);
        EventHandler<DataAddedEventArgs> handler = (_, _) => arrived.Release();
        output.DataAdded += handler;
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                // Index, do not enumerate: the pipeline adds items concurrently, and copying the collection races with it.
                for (int i = 0; i < output.Count; i++)
                {
                    if (predicate(output[i]))
                    {
                        return output[i];
                    }
                }

                if (async.IsCompleted)
                {
                    throw new InvalidOperationException("The script ended before the expected output: " + string.Join(" | ", shell.Streams.Error));
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !arrived.Wait(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)) && DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("Expected output did not arrive in time. Errors: " + string.Join(" | ", shell.Streams.Error));
                }
            }
        }
        finally
        {
            output.DataAdded -= handler;
        }
    }

    /// <summary>Stops the pipeline (as Ctrl+C does) and waits for it to end.</summary>
    public void Stop(TimeSpan timeout)
    {
        var stopped = shell.BeginStop(null, null);
        Assert.True(stopped.AsyncWaitHandle.WaitOne(timeout), "the pipeline did not stop in time");
        Assert.True(async.AsyncWaitHandle.WaitOne(timeout), "the pipeline did not end in time");
    }

    public void Dispose()
    {
        if (!async.IsCompleted)
        {
            // Stopping a batch (Import-Module; script) still runs its work item for a moment: wait for it before the
            // runspace goes, or the work item touches a disposed runspace and takes the test host down.
            shell.Stop();
            async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20));
        }

        var runspace = shell.Runspace;
        shell.Dispose();
        runspace.Dispose();
    }
}
