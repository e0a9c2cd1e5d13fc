using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Removes address reservations from a running DHCP server (like Remove-DhcpServerv4Reservation).</summary>
[Cmdlet(VerbsCommon.Remove, "PxeReservation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByAddress)]
[OutputType(typeof(DhcpReservation))]
public sealed class RemovePxeReservationCommand : LeaseCmdlet
{
    private const string ByAddress = "IPAddress";
    private const string ByClient = "ClientId";

    /// <summary>The reserved addresses to free.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByAddress, ValueFromPipelineByPropertyName = true)]
    public IPAddress[] IPAddress { get; set; } = [];

    /// <summary>The clients whose reservations to remove (MAC addresses in any common notation).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByClient, ValueFromPipelineByPropertyName = true)]
    [Alias("MacAddress")]
    public string[] ClientId { get; set; } = [];

    /// <summary>The DHCP server (name or server object); optional when only one runs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string? Server { get; set; }

    /// <summary>Write the removed reservations to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        object[] keys = ParameterSetName == ByAddress ? IPAddress : ClientId;
        foreach (var key in keys)
        {
            string? mac = key is string client ? NormalizeMac(client) : null;
            if ((key is string && mac is null) || (key is IPAddress address && !RequireIPv4(address, "Remove-PxeReservation")) || FindServer(Server, key) is not { } server)
            {
                continue;
            }

            var reservation = server.GetReservations().FirstOrDefault(r => key is IPAddress a ? r.IPAddress.Equals(a) : r.MacAddress == mac);
            if (reservation is null)
            {
                WriteError(Error(ErrorIds.ReservationNotFound, ErrorCategory.ObjectNotFound, key, $"The DHCP server '{server.Name}' has no reservation for {key}; Get-PxeReservation lists them."));
                continue;
            }

            if (!ShouldProcess($"reservation of {reservation.IPAddress} for {reservation.MacAddress} on DHCP server '{server.Name}'", "Remove"))
            {
                continue;
            }

            try
            {
                if (!server.RemoveReservation(reservation.IPAddress))
                {
                    WriteError(Error(ErrorIds.ReservationNotFound, ErrorCategory.ObjectNotFound, key, $"The DHCP server '{server.Name}' no longer has a reservation for {key}."));
                    continue;
                }
            }
            catch (InvalidOperationException ex)
            {
                WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.InvalidOperation, key, ex.Message, ex));
                continue;
            }

            WriteVerbose($"Removed the reservation of {reservation.IPAddress} for {reservation.MacAddress} from '{server.Name}'.");
            if (PassThru)
            {
                WriteObject(WithServer(reservation, server.Name));
            }
        }
    }
}
