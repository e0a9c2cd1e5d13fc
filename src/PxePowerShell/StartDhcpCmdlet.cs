using System.Collections;
using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Net;

namespace PxePowerShell;

/// <summary>
/// The shared half of Start-PxeProxyDhcp and Start-PxeDhcpServer: the interfaces to serve and the boot options
/// (-BootFile hashtable by architecture, -HttpBootUrl, -IpxeScript, -TftpServer, -NoOverride).
/// </summary>
public abstract class StartDhcpCmdlet : StartServerCmdlet
{
    /// <summary>Interface names to serve (eth0, enp3s0...).</summary>
    [Parameter]
    [Alias("InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string[] Interface { get; set; } = [];

    /// <summary>Interface addresses to serve (each names the interface that has it).</summary>
    [Parameter]
    [Alias("IPAddress", "ListenAddress")]
    [ValidateNotNullOrEmpty]
    public IPAddress[] Address { get; set; } = [];

    /// <summary>The DHCP server port (67).</summary>
    [Parameter]
    [Alias("DhcpPort")]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 67;

    /// <summary>The port clients listen on (68); another value only for labs and tests.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ClientPort { get; set; } = 68;

    /// <summary>Boot files by architecture: keys are ClientArchitecture names (Bios, EfiX64, EfiArm64...).</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? BootFile { get; set; }

    /// <summary>Base URL for HTTP-boot clients and the iPXE script; {server} is replaced by the interface address.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HttpBootUrl { get; set; }

    /// <summary>What iPXE clients get instead of the iPXE binary (TFTP name or URL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IpxeScript { get; set; }

    /// <summary>The TFTP server (next server, siaddr); default: the interface the request came in on.</summary>
    [Parameter]
    [Alias("NextServer")]
    public IPAddress? TftpServer { get; set; }

    /// <summary>
    /// DHCPv6 for UEFI PXE and HTTP boot over IPv6 (UDP 547): Start-PxeProxyDhcp boot-only, Start-PxeDhcpServer a full
    /// DHCPv6 server leasing -Range, Start-PxeServer the DHCPv6 part beside the others (-Dhcp6Range for full).
    /// </summary>
    [Parameter]
    public SwitchParameter Dhcp6 { get; set; }

    /// <summary>Never put options into the sname/file fields (dnsmasq's dhcp-no-override).</summary>
    [Parameter]
    public SwitchParameter NoOverride { get; set; }

    /// <summary>
    /// Refuses IPv6 addresses in the DHCPv4 parameters this class declares (-Address, -TftpServer) before anything
    /// starts: a terminating IPv4AddressRequired error. <paramref name="address"/> false leaves -Address to the caller
    /// (Start-PxeServer -NoDhcp binds only TFTP and HTTP there).
    /// </summary>
    protected void RequireIPv4Parameters(bool address = true)
    {
        if (address)
        {
            RequireIPv4(nameof(Address), Address);
        }

        RequireIPv4(nameof(TftpServer), TftpServer);
    }

    /// <summary>True when any boot parameter was given.</summary>
    protected bool HasBootParameters =>
        BootFile is not null || HttpBootUrl is not null || IpxeScript is not null || TftpServer is not null;

    /// <summary>The boot options from the common parameters; a terminating UnknownArchitecture error for a bad key.</summary>
    protected PxeBootOptions BuildBootOptions() => new()
    {
        BootFiles = BootFile is null ? new Dictionary<ClientArchitecture, string>() : ParseBootFiles(BootFile, "BootFile", allowLabel: false),
        HttpBootUrl = HttpBootUrl,
        IpxeScript = IpxeScript,
        TftpServer = TftpServer,
    };

    /// <summary>
    /// Reads a hashtable of architecture name -> boot file. With <paramref name="allowLabel"/>, a "Label" key is skipped
    /// (menu entries). Unknown keys are a terminating UnknownArchitecture error listing the valid names.
    /// </summary>
    protected Dictionary<ClientArchitecture, string> ParseBootFiles(IDictionary table, string parameter, bool allowLabel)
    {
        var files = new Dictionary<ClientArchitecture, string>();
        foreach (DictionaryEntry entry in table)
        {
            string key = entry.Key?.ToString() ?? string.Empty;
            if (allowLabel && string.Equals(key, "Label", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!ClientArchitectures.TryParse(key, out var architecture))
            {
                ThrowTerminatingError(Error(
                    ErrorIds.UnknownArchitecture,
                    ErrorCategory.InvalidArgument,
                    key,
                    $"-{parameter}: '{key}' is not a client architecture. Use one of: {string.Join(", ", Enum.GetNames<ClientArchitecture>())}."));
            }

            string? file = LanguagePrimitives.ConvertTo<string>(entry.Value is PSObject p ? p.BaseObject : entry.Value);
            if (string.IsNullOrWhiteSpace(file))
            {
                ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, key, $"-{parameter}: the boot file for {architecture} is empty; give a file name such as 'pxelinux.0'."));
            }

            files[architecture] = file!;
        }

        return files;
    }

    /// <summary>
    /// Reads IPv6 reservations: hashtables or objects with IPAddress (IPv6) and Duid or MacAddress (ClientId), optionally
    /// Name; a terminating error (IPv6AddressRequired, InvalidParameter) for a bad entry.
    /// </summary>
    protected List<Dhcp6Reservation> ParseReservations6(object[]? reservations, string parameter)
    {
        var list = new List<Dhcp6Reservation>();
        foreach (var raw in reservations ?? [])
        {
            object? item = raw is PSObject p ? p.BaseObject : raw;
            if (item is Dhcp6Reservation r)
            {
                list.Add(r);
                continue;
            }

            var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (item is IDictionary table)
            {
                foreach (DictionaryEntry e in table)
                {
                    fields[e.Key?.ToString() ?? string.Empty] = e.Value is PSObject v ? v.BaseObject : e.Value;
                }
            }
            else
            {
                foreach (var property in PSObject.AsPSObject(raw).Properties)
                {
                    fields[property.Name] = property.Value is PSObject v ? v.BaseObject : property.Value;
                }
            }

            string? Field(params string[] names) => names.Select(n => fields.TryGetValue(n, out var v) ? v?.ToString() : null).FirstOrDefault(v => v is not null);
            var ip = Field("IPAddress");
            IPAddress? address = ip is not null && IPAddress.TryParse(ip, out var parsed) ? parsed : null;
            if (address is not null)
            {
                RequireIPv6(parameter, address);
            }

            var reservation = Dhcp6Reservation.Create(address, Field("Duid", "ClientDuid"), Field("MacAddress", "ClientId"), Field("Name"), out string? error);
            if (reservation is null)
            {
                ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, raw, $"-{parameter}: {error}"));
            }

            list.Add(reservation!);
        }

        return list;
    }

    /// <summary>A terminating InvalidParameter error listing what is wrong with DHCPv6 settings, when anything is.</summary>
    protected void RequireValid(Dhcp6ServerOptions options, object target)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, target, string.Join(" ", problems)));
        }
    }

    /// <summary>The DHCPv6 server port: -Port when given, else 547.</summary>
    protected int Dhcp6PortOrDefault => MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : 547;

    /// <summary>The mask of this machine's interface whose subnet holds <paramref name="address"/>, else null.</summary>
    protected static IPAddress? SubnetMaskFor(IPAddress address) => Engine.Hosting.PxeServer.SubnetMaskFor(address);

    /// <summary>Describes where the server will listen, for ShouldProcess.</summary>
    protected string Where() =>
        Interface.Length == 0 && Address.Length == 0 ? "every interface" : string.Join(", ", Interface.Concat(Address.Select(a => a.ToString())));

    /// <summary>Reads -Reservation: hashtables or objects with IPAddress and ClientId (or MacAddress), optionally Name.</summary>
    protected List<DhcpReservation> ParseReservations(object[] reservations)
    {
        var list = new List<DhcpReservation>();
        foreach (var raw in reservations)
        {
            object? item = raw is PSObject p ? p.BaseObject : raw;
            string? ip = null, client = null, label = null;
            TimeSpan? lease = null;
            if (item is DhcpReservation r)
            {
                RequireIPv4(nameof(DhcpReservation), r.IPAddress);
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

            RequireIPv4(nameof(DhcpReservation), address);

            if (!MacAddress.TryNormalizeHardwareAddress(client, out var mac))
            {
                ThrowTerminatingError(Error(ErrorIds.InvalidMacAddress, ErrorCategory.InvalidArgument, client, $"-Reservation {ip}: '{client}' is not a MAC address; use aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF or aabb.ccdd.eeff."));
            }

            list.Add(new DhcpReservation(address!, mac!, label, lease));

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
                    case "leaseduration" or "leasetime" when !string.IsNullOrEmpty(text):
                        if ((value is PSObject w ? w.BaseObject : value) is TimeSpan t)
                        {
                            lease = t;
                        }
                        else if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                        {
                            lease = parsed;
                        }
                        else
                        {
                            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, value, $"-Reservation: LeaseDuration '{text}' is not a duration; use e.g. '12:00:00' (12 hours)."));
                        }

                        break;
                }
            }
        }

        return list;
    }
}
