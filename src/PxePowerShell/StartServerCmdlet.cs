using System.Management.Automation;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell;

/// <summary>
/// The shared half of every Start-Pxe*Server cmdlet: -Name and -Wait, registration in the session,
/// socket errors turned into ErrorRecords, and the foreground mode that writes events until Ctrl+C.
/// </summary>
public abstract class StartServerCmdlet : PxeCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Engine.Files.BootNamespace> _isoNamespaces = [];

    /// <summary>The server's name in this session (default: the role and a number, "tftp1").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Run in the foreground: write the server's events to the pipeline until it stops, Ctrl+C, SIGTERM or SIGINT, then stop it.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Cancelled by Ctrl+C, and with -Wait by SIGTERM or SIGINT (<see cref="StopSignals"/>).</summary>
    protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>The name to give a server of <paramref name="role"/>.</summary>
    protected string ServerName(string role) => Name ?? ModuleState.Servers.NextName(role);

    /// <summary>
    /// Registers and starts <paramref name="server"/>; writes it (or, with -Wait, its events) to the pipeline.
    /// <paramref name="port"/> is the port named in errors.
    /// </summary>
    protected void StartServer(IPxeService server, string what, int port)
    {
        using var subscription = Wait ? ModuleState.Events.Subscribe() : null;
        try
        {
            if (ModuleState.Servers.Find(server.Name) is not null)
            {
                ThrowTerminatingError(Error(ErrorIds.ServerNameInUse, ErrorCategory.ResourceExists, server.Name, $"A server named '{server.Name}' is already running; choose another -Name or stop it with Stop-PxeServer."));
            }

            EnsureClientInventory();
            try
            {
                server.StartAsync(Cancellation).GetAwaiter().GetResult();
            }
            catch (SocketException ex)
            {
                ThrowTerminatingError(SocketBindError(ex, PartOf(ex, what), PxeStartFailures.PortOf(ex) ?? port, server.Name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                ThrowTerminatingError(StartError(ex, PartOf(ex, what), PxeStartFailures.PortOf(ex) ?? port, server.Name));
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
        WriteVerbose($"{what} '{server.Name}' listening on {string.Join(", ", server.EndPoints)}.");
        if (!Wait)
        {
            WriteObject(server);
            return;
        }

        using var signals = StopSignals.Register(_stopping, Host.Name);
        try
        {
            bool ours(PxeEvent e) => e.Server == server.Name;
            EventPump.Run(this, subscription!, ours, server.Completion, Cancellation);
            if (signals.Received)
            {
                // SIGTERM or SIGINT: a normal end, not a stopped pipeline. Stop every part, write the stop events, return.
                server.StopAsync().GetAwaiter().GetResult();
                EventPump.Run(this, subscription!, ours, server.Completion, CancellationToken.None);
            }
        }
        finally
        {
            // No Write* here: after Ctrl+C the pipeline is stopping and any write throws before the server is stopped.
            _ = Cmdlets.StopPxeServerCommand.StopWithin(server, Cmdlets.StopPxeServerCommand.DefaultTimeout, CancellationToken.None);
        }
    }

    /// <summary>The storage failure (an unwritable lease directory) behind <paramref name="ex"/>, else null.</summary>
    private static Engine.Storage.PxeStorageException? StorageFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is Engine.Storage.PxeStorageException storage)
            {
                return storage;
            }
        }

        return null;
    }

    /// <summary>"TFTP part of the PXE server" when the failure is marked with the part of a composed server that failed.</summary>
    private static string PartOf(Exception ex, string what) => PxeStartFailures.PartOf(ex) is { } part ? $"{part} part of the {what}" : what;

    /// <summary>
    /// Turns what an engine server throws at start (port in use, no privilege, unknown interface, range outside every
    /// interface's subnet, lease directory held by another server — marked with a <see cref="PxeStartFailure"/>) into an
    /// ErrorRecord that says what to do.
    /// </summary>
    internal static ErrorRecord StartError(Exception ex, string what, int port, object target)
    {
        var failure = PxeStartFailures.Of(ex);
        if (failure is null && ex.InnerException is SocketException socket && ex is not UnauthorizedAccessException && socket.SocketErrorCode != SocketError.AddressAlreadyInUse)
        {
            return SocketBindError(socket, what, port, target);
        }

        string message = StripParameterName(ex.Message);
        return failure switch
        {
            PxeStartFailure.PortAccessDenied when port is > 0 and < 1024 => PrivilegedPortError(port, target, ex, message),
            PxeStartFailure.PortAccessDenied => Error(ErrorIds.PortAccessDenied, ErrorCategory.PermissionDenied, target, $"The {what} may not bind its sockets: {message}", ex),
            PxeStartFailure.PortInUse => Error(ErrorIds.PortInUse, ErrorCategory.ResourceExists, target, $"The {what} cannot listen: port {port} is already in use by another program: {message}", ex),
            PxeStartFailure.DataDirectoryInUse => Error(ErrorIds.DataDirectoryInUse, ErrorCategory.ResourceBusy, target, $"{message} Stop that server or pass another -DataDirectory.", ex),
            PxeStartFailure.RangeOutsideSubnet => Error(ErrorIds.RangeOutsideSubnet, ErrorCategory.InvalidArgument, target, message, ex),
            PxeStartFailure.InterfaceNotFound => Error(
                ErrorIds.InterfaceNotFound,
                ErrorCategory.ObjectNotFound,
                target,
                $"{message} Pass an existing interface name to -Interface or one of its addresses to -Address.",
                ex),
            PxeStartFailure.NoInterface => Error(ErrorIds.InterfaceNotFound, ErrorCategory.ObjectNotFound, target, message, ex),
            _ when ex is PxeStorageException storage => Error(storage.ErrorId, Enum.Parse<ErrorCategory>(storage.Category.ToString()), target, $"The {what} could not start: {message}", ex),
            _ when ex is UnauthorizedAccessException && port is > 0 and < 1024 => PrivilegedPortError(port, target, ex, message),
            _ when ex is UnauthorizedAccessException => Error(ErrorIds.PortAccessDenied, ErrorCategory.PermissionDenied, target, $"The {what} may not bind its sockets: {message}", ex),
            _ when ex is ArgumentException => Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, target, message, ex),
            _ when StorageFailure(ex) is { } storage => Error(storage.ErrorId, Enum.Parse<ErrorCategory>(storage.Category.ToString()), target, $"The {what} could not start: {message}", ex),
            _ => Error(ErrorIds.ServerStartFailed, ErrorCategory.OpenError, target, $"The {what} could not start: {message}", ex),
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
            WriteWarning(warning);
        }
    }

    /// <summary>
    /// Serves in <paramref name="boot"/>, the namespace of the server named <paramref name="serverName"/>, every mounted
    /// ISO image (Mount-PxeIso) that server serves — the unscoped ones and those mounted with -Server naming it — now and
    /// as images are mounted later, until the server stops (or fails to start).
    /// </summary>
    protected void AttachIsoMounts(Engine.Files.BootNamespace boot, string serverName)
    {
        ModuleState.Host.AttachIsoMounts(boot, serverName);
        _isoNamespaces.Add(boot);
        foreach (var (mountPoint, error) in ModuleState.TakeIsoRestoreFailures())
        {
            WriteWarning($"The saved ISO mount '{mountPoint}' was not mounted again: {error}");
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

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
