using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists the address reservations of the session's DHCP servers (like Get-DhcpServerv4Reservation).</summary>
[Cmdlet(VerbsCommon.Get, "PxeReservation")]
[OutputType(typeof(DhcpReservation))]
public sealed class GetPxeReservationCommand : LeaseCmdlet
{
    /// <summary>Only these reserved addresses.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public IPAddress[]? IPAddress { get; set; }

    /// <summary>Only the reservations of these clients (MAC addresses in any common notation).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("MacAddress")]
    [ValidateNotNullOrEmpty]
    public string[]? ClientId { get; set; }

    /// <summary>The DHCP servers to ask (names, wildcards allowed, or server objects); default every one in the session.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [SupportsWildcards]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Server { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var macs = new List<string>();
        foreach (var client in ClientId ?? [])
        {
            if (NormalizeMac(client) is { } mac)
            {
                macs.Add(mac);
            }
        }

        if (ClientId is not null && macs.Count == 0)
        {
            return;
        }

        foreach (var server in FindServers(Server))
        {
            foreach (var reservation in server.GetReservations())
            {
                if ((IPAddress is null || IPAddress.Contains(reservation.IPAddress)) && (ClientId is null || macs.Contains(reservation.MacAddress)))
                {
                    WriteObject(WithServer(reservation, server.Name));
                }
            }
        }
    }
}
