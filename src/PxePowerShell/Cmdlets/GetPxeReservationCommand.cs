using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists the address reservations of the session's DHCP and DHCPv6 servers (like Get-DhcpServerv4Reservation, Get-DhcpServerv6Reservation).</summary>
[Cmdlet(VerbsCommon.Get, "PxeReservation")]
[OutputType(typeof(DhcpReservation), typeof(Dhcp6Reservation))]
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

    /// <summary>Only the DHCPv6 reservations of these DUIDs (hex).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ClientDuid")]
    [ValidateNotNullOrEmpty]
    public string[]? Duid { get; set; }

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

        var duids = new List<string>();
        foreach (var duid in Duid ?? [])
        {
            if (NormalizeDuid(duid) is { } text)
            {
                duids.Add(text);
            }
        }

        if ((ClientId is not null && macs.Count == 0) || (Duid is not null && duids.Count == 0))
        {
            return;
        }

        foreach (var service in FindLeaseServers(Server))
        {
            if (service is DhcpServer server && Duid is null)
            {
                foreach (var reservation in server.GetReservations())
                {
                    if ((IPAddress is null || IPAddress.Contains(reservation.IPAddress)) && (ClientId is null || macs.Contains(reservation.MacAddress)))
                    {
                        WriteObject(WithServer(reservation, server.Name));
                    }
                }
            }
            else if (service is Dhcp6Server server6)
            {
                foreach (var reservation in server6.GetReservations())
                {
                    if ((IPAddress is null || IPAddress.Contains(reservation.IPAddress))
                        && (ClientId is null || (reservation.MacAddress is { } mac && macs.Contains(mac)))
                        && (Duid is null || (reservation.Duid is { } d && duids.Contains(d, StringComparer.OrdinalIgnoreCase))))
                    {
                        WriteObject(WithServer(reservation, server6.Name));
                    }
                }
            }
        }
    }
}
