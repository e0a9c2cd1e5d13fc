using PxePowerShell.Engine;
using System.Management.Automation;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell;

/// <summary>
/// What every Start-Pxe*Server cmdlet does once it has built its server, composed into the cmdlet rather than
/// inherited: registration in the session, start failures turned into ErrorRecords, the ISO mounts the server's
/// namespaces follow, and the foreground mode (-Wait) that writes events until Ctrl+C, SIGTERM or SIGINT.
/// </summary>
internal sealed class ServerLauncher(PxeCmdlet cmdlet) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Engine.Files.BootNamespace> _isoNamespaces = [];

    /// <summary>Cancelled by Ctrl+C (<see cref="Stop"/>), and with -Wait by SIGTERM or SIGINT (<see cref="StopSignals"/>).</summary>
    private CancellationToken Cancellation => _stopping.Token;

    /// <summary>The name to give a server of <paramref name="role"/>: <paramref name="name"/> (-Name) when given.</summary>
    public static string ServerName(string role, string? name) => name ?? ModuleState.Servers.NextName(role);

    /// <summary>
    /// Registers and starts <paramref name="server"/>; writes it (or, with <paramref name="wait"/>, its events) to the
    /// pipeline. <paramref name="port"/> is the port named in errors.
    /// </summary>
    public void StartServer(IPxeService server, string what, int port, bool wait)
    {
        using var subscription = wait ? ModuleState.Events.Subscribe() : null;
        try
        {
            if (ModuleState.Servers.Find(server.Name) is not null)
            {
                cmdlet.ThrowTerminatingError(PxeCmdlet.Error(ErrorIds.ServerNameInUse, ErrorCategory.ResourceExists, server.Name, $"A server named '{server.Name}' is already running; choose another -Name or stop it with Stop-PxeServer."));
            }

            EnsureClientInventory();
            try
            {
                server.StartAsync(Cancellation).GetAwaiter().GetResult();
            }
            catch (SocketException ex)
            {
                cmdlet.ThrowTerminatingError(PxeCmdlet.SocketBindError(ex, what, port, server.Name));
            }
            catch (Exception ex) when (ex is PxeException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                cmdlet.ThrowTerminatingError(StartError(ex, what, port, server.Name));
            }
        }
        catch
        {
            // Not started: its namespaces no longer follow the ISO mounts.
            DetachIsoMounts();
            throw;
        }

        DetachIsoMountsWhenStopped(server);
        ModuleState.Servers.Add(server);
        cmdlet.WriteVerbose($"{what} '{server.Name}' listening on {string.Join(", ", server.EndPoints)}.");
        if (!wait)
        {
            cmdlet.WriteObject(server);
            return;
        }

        using var signals = StopSignals.Register(_stopping, cmdlet.Host.Name);
        try
        {
            bool ours(PxeEvent e) => e.Server == server.Name;
            EventPump.Run(cmdlet, subscription!, ours, server.Completion, Cancellation);
            if (signals.Received)
            {
                // SIGTERM or SIGINT: a normal end, not a stopped pipeline. Stop every part, write the stop events, return.
                server.StopAsync().GetAwaiter().GetResult();
                EventPump.Run(cmdlet, subscription!, ours, server.Completion, CancellationToken.None);
            }
        }
        finally
        {
            // No Write* here: after Ctrl+C the pipeline is stopping and any write throws before the server is stopped.
            _ = Cmdlets.StopPxeServerCommand.StopWithin(server, Cmdlets.StopPxeServerCommand.DefaultTimeout, CancellationToken.None);
        }
    }

    /// <summary>
    /// Turns what an engine server throws at start into an ErrorRecord that says what to do: a
    /// <see cref="PxeStartException"/> (port in use, no privilege, unknown interface, range outside every interface's
    /// subnet) by its ErrorId, naming the part of a composed server that failed and the port it could not bind; a
    /// storage failure (lease directory held by another server) by its ErrorId; anything else by its type.
    /// </summary>
    internal static ErrorRecord StartError(Exception ex, string what, int port, object target)
    {
        if (ex is PxeStartException start)
        {
            what = start.Part is { } part ? $"{part} part of the {what}" : what;
            port = start.Port ?? port;
            if (start.WrapsPartFailure && start.InnerException is { } partFailure)
            {
                return partFailure is SocketException socket ? PxeCmdlet.SocketBindError(socket, what, port, target) : StartError(partFailure, what, port, target);
            }
        }
        else if (ex.InnerException is SocketException socket && ex is not UnauthorizedAccessException && socket.SocketErrorCode != SocketError.AddressAlreadyInUse)
        {
            return PxeCmdlet.SocketBindError(socket, what, port, target);
        }

        string message = StripParameterName(ex.Message);
        return (ex as IPxeError)?.ErrorId switch
        {
            PxeErrorIds.PortAccessDenied when port is > 0 and < 1024 => PxeCmdlet.PrivilegedPortError(port, target, ex, message),
            PxeErrorIds.PortAccessDenied => PxeCmdlet.Error(ErrorIds.PortAccessDenied, ErrorCategory.PermissionDenied, target, $"The {what} may not bind its sockets: {message}", ex),
            PxeErrorIds.PortInUse => PxeCmdlet.Error(ErrorIds.PortInUse, ErrorCategory.ResourceExists, target, $"The {what} cannot listen: port {port} is already in use by another program: {message}", ex),
            PxeErrorIds.DataDirectoryInUse => PxeCmdlet.Error(ErrorIds.DataDirectoryInUse, ErrorCategory.ResourceBusy, target, $"{message} Stop that server or pass another -DataDirectory.", ex),
            PxeErrorIds.RangeOutsideSubnet or PxeErrorIds.InterfaceNotFound => PxeCmdlet.Error((PxeException)ex, target),
            _ when ex is PxeStorageException storage => PxeCmdlet.Error(storage, target, $"The {what} could not start: {message}"),
            _ when ex is PxeException other => PxeCmdlet.Error(other, target),
            _ when ex is UnauthorizedAccessException && port is > 0 and < 1024 => PxeCmdlet.PrivilegedPortError(port, target, ex, message),
            _ when ex is UnauthorizedAccessException => PxeCmdlet.Error(ErrorIds.PortAccessDenied, ErrorCategory.PermissionDenied, target, $"The {what} may not bind its sockets: {message}", ex),
            _ when ex is ArgumentException => PxeCmdlet.Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, target, message, ex),
            _ => PxeCmdlet.Error(ErrorIds.ServerStartFailed, ErrorCategory.OpenError, target, $"The {what} could not start: {message}", ex),
        };
    }

    /// <summary>ArgumentException.Message ends with " (Parameter 'x')"; users need not see it.</summary>
    private static string StripParameterName(string message)
    {
        int at = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }

    /// <summary>Opens the client inventory so this server's events are recorded; a warning (not an error) when it cannot.</summary>
    private void EnsureClientInventory()
    {
        if (ModuleState.Host.OpenClientsOrWarn() is { } warning)
        {
            cmdlet.WriteWarning(warning);
        }
    }

    /// <summary>
    /// Serves in <paramref name="boot"/>, the namespace of the server named <paramref name="serverName"/>, every mounted
    /// ISO image (Mount-PxeIso) that server serves — the unscoped ones and those mounted with -Server naming it — now and
    /// as images are mounted later, until the server stops (or fails to start).
    /// </summary>
    public void AttachIsoMounts(Engine.Files.BootNamespace boot, string serverName)
    {
        ModuleState.Host.AttachIsoMounts(boot, serverName);
        _isoNamespaces.Add(boot);
        foreach (var (mountPoint, error) in ModuleState.TakeIsoRestoreFailures())
        {
            cmdlet.WriteWarning($"The saved ISO mount '{mountPoint}' was not mounted again: {error}");
        }
    }

    /// <summary>Stops the namespaces attached by this cmdlet from following the ISO mounts.</summary>
    private void DetachIsoMounts()
    {
        foreach (var boot in _isoNamespaces)
        {
            ModuleState.Host.DetachIsoMounts(boot);
        }

        _isoNamespaces.Clear();
    }

    /// <summary>Detaches the namespaces attached for <paramref name="server"/> when it stops, so a stopped server holds no image.</summary>
    private void DetachIsoMountsWhenStopped(IPxeService server)
    {
        if (_isoNamespaces.Count == 0)
        {
            return;
        }

        var attached = _isoNamespaces.ToArray();
        _isoNamespaces.Clear();
        _ = server.Completion.ContinueWith(
            _ =>
            {
                foreach (var boot in attached)
                {
                    ModuleState.Host.DetachIsoMounts(boot);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Ctrl+C: stops waiting (the cmdlet's StopProcessing).</summary>
    public void Stop() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();
}
