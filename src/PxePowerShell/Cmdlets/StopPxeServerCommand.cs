using System.Management.Automation;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Cmdlets;

/// <summary>Stops PxePowerShell servers and removes them from the session.</summary>
[Cmdlet(VerbsLifecycle.Stop, "PxeServer", SupportsShouldProcess = true, DefaultParameterSetName = ByObject)]
[OutputType(typeof(IPxeService))]
public sealed class StopPxeServerCommand : PxeCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>Names of the servers to stop; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>
    /// The servers to stop, as Get-PxeServer or Start-Pxe* return them (a stopped one stops again at once); a name, or an
    /// object with a Name, stops the server of that name.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>
    /// How long to wait for each server to close its sockets and end its transfers (default 30 seconds). A server that
    /// takes longer is a StopTimedOut error; it goes on stopping in the background and leaves Get-PxeServer when done.
    /// </summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Write the stopped servers to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        RequireTimeSpan(nameof(Timeout), Timeout, TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue), example: "00:00:30");

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByObject)
        {
            // object[], not IPxeService[]: PowerShell binds a piped server to an interface-typed array only after trying
            // its Name by property name, which finds nothing once the server has stopped.
            foreach (var item in InputObject)
            {
                object? value = item is PSObject p ? p.BaseObject : item;
                if (value is IPxeService server)
                {
                    Stop(server);
                    continue;
                }

                string? name = value as string ?? PSObject.AsPSObject(item).Properties["Name"]?.Value?.ToString();
                if (string.IsNullOrEmpty(name))
                {
                    WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, item, $"'{item}' is neither a server nor a server name; pipe what Get-PxeServer returns."));
                    continue;
                }

                foreach (var named in MatchByName(ModuleState.Servers.Servers, [name], s => s.Name, ServerNotFound))
                {
                    Stop(named);
                }
            }

            return;
        }

        var servers = ModuleState.Servers.Servers;
        foreach (var server in MatchByName(servers, Name, s => s.Name, ServerNotFound))
        {
            Stop(server);
        }
    }

    private void Stop(IPxeService server)
    {
        if (!ShouldProcess($"{server.Role} server '{server.Name}' on {string.Join(", ", server.EndPoints)}", "Stop"))
        {
            return;
        }

        if (StopWithin(server, Timeout, _stopping.Token) is { } error)
        {
            WriteError(error);
            return;
        }

        WriteVerbose($"Stopped {server.Role} server '{server.Name}'.");
        if (PassThru)
        {
            WriteObject(server);
        }
    }

    /// <summary>The time Stop-PxeServer and the end of a -Wait give a server to stop.</summary>
    internal static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stops <paramref name="server"/> and waits at most <paramref name="timeout"/> (or until <paramref name="cancellation"/>,
    /// Ctrl+C); it leaves the session's server list once stopped, also when that happens after the wait ended.
    /// Null when it stopped; else the StopTimedOut or StopFailed record (an OperationCanceledException on Ctrl+C).
    /// </summary>
    internal static ErrorRecord? StopWithin(IPxeService server, TimeSpan timeout, CancellationToken cancellation)
    {
        Task stop;
        try
        {
            stop = server.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stop = Task.FromException(ex);
        }

        _ = stop.ContinueWith(_ => ModuleState.Servers.Remove(server), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            stop.WaitAsync(timeout, cancellation).GetAwaiter().GetResult();
            ModuleState.Servers.Remove(server);
            return null;
        }
        catch (TimeoutException ex)
        {
            return Error(
                ErrorIds.StopTimedOut,
                ErrorCategory.OperationTimeout,
                server,
                $"The {server.Role} server '{server.Name}' did not stop within {timeout.TotalSeconds:0.#} s; it goes on stopping in the background (Get-PxeServer shows it until it has).",
                ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Error(ErrorIds.StopFailed, ErrorCategory.CloseError, server, $"The {server.Role} server '{server.Name}' stopped with an error: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
