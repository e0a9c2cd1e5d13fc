using System.Collections;
using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a full DHCP server (addresses from a range, leases kept in a journal) that also tells PXE clients what to boot.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeDhcpServer", SupportsShouldProcess = true, DefaultParameterSetName = ByRange)]
[OutputType(typeof(DhcpServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeDhcpServerCommand : StartDhcpCmdlet
{
    private const string ByRange = "Range";
    private const string ByStartEnd = "StartEnd";

    /// <summary>The first and last address of the pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByRange)]
    [ValidateCount(2, 2)]
    public IPAddress[] Range { get; set; } = [];

    /// <summary>The first address of the pool.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByStartEnd)]
    public IPAddress? StartRange { get; set; }

    /// <summary>The last address of the pool.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByStartEnd)]
    public IPAddress? EndRange { get; set; }

    /// <summary>The subnet mask; default: the mask of the interface whose subnet holds the range, else 255.255.255.0.</summary>
    [Parameter]
    public IPAddress? SubnetMask { get; set; }

    /// <summary>Routers (option 3).</summary>
    [Parameter]
    [Alias("Gateway", "DefaultGateway")]
    public IPAddress[] Router { get; set; } = [];

    /// <summary>DNS servers (option 6).</summary>
    [Parameter]
    [Alias("DnsServers")]
    public IPAddress[] DnsServer { get; set; } = [];

    /// <summary>Domain name (option 15).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DomainName { get; set; }

    /// <summary>How long a lease lasts (default 12 hours).</summary>
    [Parameter]
    [Alias("LeaseDuration")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Reservations: hashtables or objects with IPAddress and ClientId (or MacAddress), optionally Name.</summary>
    [Parameter]
    [ValidateNotNull]
    public object[] Reservation { get; set; } = [];

    /// <summary>Where the lease journal is kept (default: the module data directory's "leases").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataDirectory { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IPAddress start = ParameterSetName == ByRange ? Range[0] : StartRange!;
        IPAddress end = ParameterSetName == ByRange ? Range[1] : EndRange!;
        string directory = DataDirectory is null ? Path.Combine(PxeDataDirectory.Resolve(), "leases") : ResolvePath(DataDirectory);
        var options = new DhcpServerOptions
        {
            Interfaces = Interface,
            Addresses = Address,
            Port = Port,
            ClientPort = ClientPort,
            StartRange = start,
            EndRange = end,
            SubnetMask = SubnetMask ?? SubnetMaskFor(start) ?? IPAddress.Parse("255.255.255.0"),
            Router = Router,
            DnsServers = DnsServer,
            DomainName = DomainName,
            LeaseDuration = LeaseTime,
            Reservations = ParseReservations(),
            DataDirectory = directory,
            Boot = HasBootParameters ? BuildBootOptions() : null,
            NoOverride = NoOverride,
        };
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, $"{start}-{end}", string.Join(" ", problems)));
        }

        string name = ServerName("Dhcp");
        if (!ShouldProcess($"DHCP server '{name}' on {Where()}, UDP port {Port}, leasing {start}-{end}/{options.SubnetMask} for {LeaseTime}, leases in {directory}", "Start"))
        {
            return;
        }

        StartServer(new DhcpServer(name, options, ModuleState.Events), "DHCP server", Port);
    }

    private List<DhcpReservation> ParseReservations()
    {
        var list = new List<DhcpReservation>();
        foreach (var raw in Reservation)
        {
            object? item = raw is PSObject p ? p.BaseObject : raw;
            string? ip = null, client = null, label = null;
            if (item is DhcpReservation r)
            {
                list.Add(r);
                continue;
            }

            if (item is IDictionary table)
            {
                foreach (DictionaryEntry e in table)
                {
                    Assign(e.Key?.ToString(), e.Value);
                }
            }
            else
            {
                foreach (var property in PSObject.AsPSObject(raw).Properties)
                {
                    Assign(property.Name, property.Value);
                }
            }

            if (ip is null || !IPAddress.TryParse(ip, out var address) || client is null)
            {
                ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, raw, "-Reservation entries need IPAddress and ClientId, e.g. @{ IPAddress='192.168.0.20'; ClientId='52-54-00-12-34-56' }."));
                continue;
            }

            if (!MacAddresses.TryNormalize(client, out var mac))
            {
                ThrowTerminatingError(Error(ErrorIds.InvalidMacAddress, ErrorCategory.InvalidArgument, client, $"-Reservation {ip}: '{client}' is not a MAC address; use aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF or aabb.ccdd.eeff."));
            }

            list.Add(new DhcpReservation(address!, mac!, label));

            void Assign(string? key, object? value)
            {
                string? text = value is null ? null : (value is PSObject v ? v.BaseObject : value).ToString();
                switch (key?.ToLowerInvariant())
                {
                    case "ipaddress":
                        ip = text;
                        break;
                    case "clientid" or "macaddress":
                        client = text;
                        break;
                    case "name":
                        label = text;
                        break;
                }
            }
        }

        return list;
    }
}
