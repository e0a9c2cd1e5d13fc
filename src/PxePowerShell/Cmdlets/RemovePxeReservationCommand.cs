using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Removes address reservations from a running DHCP server (like Remove-DhcpServerv4Reservation); IPv6 addresses and
/// DUIDs from a running DHCPv6 server (like Remove-DhcpServerv6Reservation, Kea's reservation-del).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PxeReservation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByAddress)]
[OutputType(typeof(DhcpReservation), typeof(Dhcp6Reservation))]
public sealed class RemovePxeReservationCommand : LeaseCmdlet
{
    private const string ByAddress = "IPAddress";
    private const string ByClient = "ClientId";
    private const string ByDuid = "Duid";

    /// <summary>The reserved addresses to free.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByAddress, ValueFromPipelineByPropertyName = true)]
    public IPAddress[] IPAddress { get; set; } = [];

    /// <summary>The clients whose reservations to remove (MAC addresses in any common notation).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByClient, ValueFromPipelineByPropertyName = true)]
    [Alias("MacAddress")]
    public string[] ClientId { get; set; } = [];

    /// <summary>The DHCPv6 clients whose reservations to remove (DUIDs in hex).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByDuid, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientDuid")]
    public string[] Duid { get; set; } = [];

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
        if (ParameterSetName == ByDuid)
        {
            foreach (var duid in Duid)
            {
                if (NormalizeDuid(duid) is { } text)
                {
                    Remove6(duid, r => string.Equals(r.Duid, text, StringComparison.OrdinalIgnoreCase));
                }
            }

            return;
        }

        object[] keys = ParameterSetName == ByAddress ? IPAddress : ClientId;
        foreach (var key in keys)
        {
            if (key is IPAddress v6 && IsIPv6(v6))
            {
                Remove6(v6, r => r.IPAddress.Equals(v6));
                continue;
            }

            string? mac = key is string client ? NormalizeMac(client) : null;
            if ((key is string && mac is null) || FindServer(Server, key) is not { } server)
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

    /// <summary>Removes the DHCPv6 server's reservation that <paramref name="match"/> picks (by IPv6 address or DUID).</summary>
    private void Remove6(object key, Func<Dhcp6Reservation, bool> match)
    {
        if (FindServer6(Server, key) is not { } server)
        {
            return;
        }

        var reservation = server.GetReservations().FirstOrDefault(match);
        if (reservation is null)
        {
            WriteError(Error(ErrorIds.ReservationNotFound, ErrorCategory.ObjectNotFound, key, $"The DHCPv6 server '{server.Name}' has no reservation for {key}; Get-PxeReservation lists them."));
            return;
        }

        string client = reservation.Duid is { } d ? "DUID " + d : reservation.MacAddress ?? string.Empty;
        if (!ShouldProcess($"reservation of {reservation.IPAddress} for {client} on DHCPv6 server '{server.Name}'", "Remove"))
        {
            return;
        }

        try
        {
            if (!server.RemoveReservation(reservation.IPAddress))
            {
                WriteError(Error(ErrorIds.ReservationNotFound, ErrorCategory.ObjectNotFound, key, $"The DHCPv6 server '{server.Name}' no longer has a reservation for {key}."));
                return;
            }
        }
        catch (InvalidOperationException ex)
        {
            WriteRefusal(ex, key);
            return;
        }

        WriteVerbose($"Removed the reservation of {reservation.IPAddress} for {client} from '{server.Name}'.");
        if (PassThru)
        {
            WriteObject(WithServer(reservation, server.Name));
        }
    }
}
