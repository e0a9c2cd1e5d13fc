using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Reserves an address for a client on a running DHCP server (like Add-DhcpServerv4Reservation), or an IPv6 address on
/// a running DHCPv6 server by DUID or MAC (like Add-DhcpServerv6Reservation, Kea's reservation-add).
/// </summary>
[Cmdlet(VerbsCommon.Add, "PxeReservation", SupportsShouldProcess = true, DefaultParameterSetName = ByClient)]
[OutputType(typeof(DhcpReservation), typeof(Dhcp6Reservation))]
public sealed class AddPxeReservationCommand : LeaseCmdlet
{
    private const string ByClient = "ClientId";
    private const string ByDuid = "Duid";

    /// <summary>The reserved address.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public IPAddress? IPAddress { get; set; }

    /// <summary>The client's MAC address in any common notation (for an IPv6 address: the MAC in its DUID-LL/LLT, or the relay's).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByClient, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ByDuid, ValueFromPipelineByPropertyName = true)]
    [Alias("MacAddress")]
    public string? ClientId { get; set; }

    /// <summary>The DHCPv6 client's DUID in hex (IPv6 reservations only).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByDuid, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientDuid")]
    public string? Duid { get; set; }

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
        if (IsIPv6(IPAddress!))
        {
            AddIPv6();
            return;
        }

        if (Duid is not null || string.IsNullOrEmpty(ClientId))
        {
            WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, Duid, $"-Duid: {IPAddress} is an IPv4 address; a DHCPv4 reservation names the client by its MAC (-ClientId), a DUID is for IPv6 addresses."));
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
        Add(reservation, mac, $"DHCP server '{server.Name}'", server.Name, () => server.AddReservation(reservation));
    }

    /// <summary>An IPv6 reservation on the DHCPv6 server: by DUID, by MAC, or both.</summary>
    private void AddIPv6()
    {
        if (LeaseDuration is not null)
        {
            WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, LeaseDuration, $"-LeaseDuration: {IPAddress} is an IPv6 address; a DHCPv6 reservation has the server's lifetimes (-LeaseDuration applies to DHCPv4 reservations)."));
            return;
        }

        string? duid = null, mac = null;
        if ((Duid is not null && (duid = NormalizeDuid(Duid)) is null) || (!string.IsNullOrEmpty(ClientId) && (mac = NormalizeMac(ClientId)) is null))
        {
            return;
        }

        if (FindServer6(Server, IPAddress!) is not { } server)
        {
            return;
        }

        var reservation = new Dhcp6Reservation(IPAddress!, duid, mac, string.IsNullOrEmpty(Name) ? null : Name);
        string client = string.Join(", ", new[] { duid is null ? null : "DUID " + duid, mac }.Where(c => c is not null));
        Add(reservation, client, $"DHCPv6 server '{server.Name}'", server.Name, () => server.AddReservation(reservation));
    }

    /// <summary>Adds <paramref name="reservation"/> (after ShouldProcess) through <paramref name="add"/>; a refusal is an ErrorRecord.</summary>
    private void Add(object reservation, string client, string serverDescription, string serverName, Action add)
    {
        if (!ShouldProcess($"reservation of {IPAddress} for {client} on {serverDescription}", "Add"))
        {
            return;
        }

        try
        {
            add();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            WriteRefusal(ex, reservation);
            return;
        }

        WriteVerbose($"Reserved {IPAddress} for {client} on '{serverName}'.");
        if (PassThru)
        {
            WriteObject(reservation);
        }
    }
}
