using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Reserves an address for a client on a running DHCP server (like Add-DhcpServerv4Reservation).</summary>
[Cmdlet(VerbsCommon.Add, "PxeReservation", SupportsShouldProcess = true)]
[OutputType(typeof(DhcpReservation))]
public sealed class AddPxeReservationCommand : LeaseCmdlet
{
    /// <summary>The reserved address.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public IPAddress? IPAddress { get; set; }

    /// <summary>The client's MAC address in any common notation.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("MacAddress")]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>An optional name for the reservation.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Description")]
    public string? Name { get; set; }

    /// <summary>The lease time this client gets instead of the server's LeaseDuration (at least one minute).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LeaseTime")]
    public TimeSpan? LeaseDuration { get; set; }

    /// <summary>The DHCP server; optional when only one runs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string? Server { get; set; }

    /// <summary>Write the reservation to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!RequireIPv4(IPAddress!, "Add-PxeReservation"))
        {
            return;
        }

        if (LeaseDuration is { } d && (d < TimeSpan.FromSeconds(60) || d.TotalSeconds > uint.MaxValue))
        {
            WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, LeaseDuration, $"-LeaseDuration: {d} is not a lease time; give at least one minute, e.g. -LeaseDuration 12:00:00 (12 hours)."));
            return;
        }

        if (NormalizeMac(ClientId) is not { } mac || FindServer(Server, IPAddress!) is not { } server)
        {
            return;
        }

        var reservation = new DhcpReservation(IPAddress!, mac, string.IsNullOrEmpty(Name) ? null : Name, LeaseDuration);
        if (!ShouldProcess($"reservation of {IPAddress} for {mac} on DHCP server '{server.Name}'", "Add"))
        {
            return;
        }

        try
        {
            server.AddReservation(reservation);
        }
        catch (ArgumentException ex)
        {
            string message = ex.Message;
            int at = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
            WriteError(Error(ErrorIds.ReservationConflict, ErrorCategory.InvalidArgument, reservation, at > 0 ? message[..at] : message, ex));
            return;
        }
        catch (InvalidOperationException ex)
        {
            WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.InvalidOperation, reservation, ex.Message, ex));
            return;
        }

        WriteVerbose($"Reserved {IPAddress} for {mac} on '{server.Name}'.");
        if (PassThru)
        {
            WriteObject(reservation);
        }
    }
}
