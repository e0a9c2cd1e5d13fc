using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using static PxePowerShell.Engine.Configuration.Dnsmasq.DnsmasqSyntax;

namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>
/// Translates dnsmasq options into a <see cref="PxeServerConfiguration"/>: dhcp-range (proxy and pooled), dhcp-boot
/// (per-architecture through dhcp-match tags, iPXE through its user class), pxe-service and pxe-prompt, dhcp-option
/// (router, DNS, domain, 66/67), dhcp-host reservations, enable-tftp, tftp-root, tftp-max, interface and
/// listen-address. Everything else becomes a warning naming the line: nothing is dropped silently. Pure: no I/O.
/// </summary>
internal sealed class DnsmasqConverter
{
    private readonly List<DnsmasqWarning> _warnings = [];
    private readonly Dictionary<string, List<ClientArchitecture>> _archTags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ipxeTags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<ClientArchitecture, string>> _menu = new(StringComparer.Ordinal);
    private readonly List<string> _menuOrder = [];
    private PxeServerConfiguration _c = new() { DhcpMode = DhcpMode.None, Tftp = false };
    private readonly Dictionary<ClientArchitecture, string> _bootFiles = [];
    private readonly List<DhcpReservation> _reservations = [];
    private readonly List<string> _interfaces = [];
    private readonly List<IPAddress> _addresses = [];
    private readonly Dictionary<string, int> _hostLines = new(StringComparer.OrdinalIgnoreCase);
    private bool _rangeSeen;
    private bool _routerSet;
    private bool _dnsSet;
    private int _dnsPort = 53;
    private string? _domain;
    private bool _domainSet;

    /// <summary>Converts <paramref name="options"/> (in file order).</summary>
    public static (PxeServerConfiguration Configuration, IReadOnlyList<DnsmasqWarning> Warnings) Convert(IReadOnlyList<DnsmasqOption> options, string name = "pxe")
    {
        ArgumentNullException.ThrowIfNull(options);
        var converter = new DnsmasqConverter();
        converter._c = converter._c with { Name = name };

        // Tags first: dhcp-match / dhcp-userclass / dhcp-vendorclass may follow the dhcp-boot lines that use them.
        foreach (var option in options.Where(o => o.Key is "dhcp-match" or "dhcp-userclass" or "dhcp-vendorclass"))
        {
            converter.Tag(option);
        }

        foreach (var option in options.Where(o => o.Key is not ("dhcp-match" or "dhcp-userclass" or "dhcp-vendorclass")))
        {
            converter.Apply(option);
        }

        return (converter.Finish(options), converter._warnings);
    }

    private void Warn(DnsmasqOption option, string reason) =>
        _warnings.Add(new DnsmasqWarning(option.File, option.Line, option.Value is null ? option.Key : $"{option.Key}={option.Value}", reason));

    private void Tag(DnsmasqOption option)
    {
        if (HasUnterminatedQuote(option.Value))
        {
            Warn(option, "a double quote is not closed: the line is not translated (dnsmasq refuses it)");
            return;
        }

        var fields = Fields(option.Value);
        if (fields.Count < 2)
        {
            Warn(option, "not understood: expected set:<tag>,<option>[,<value>]");
            return;
        }

        string tag = fields[0].StartsWith("set:", StringComparison.Ordinal) ? fields[0][4..] : fields[0];
        if (option.Key == "dhcp-userclass" && fields[1].Equals("iPXE", StringComparison.OrdinalIgnoreCase))
        {
            _ipxeTags.Add(tag);
            return;
        }

        if (option.Key == "dhcp-match")
        {
            string what = fields[1].ToLowerInvariant();
            if (what is "option:client-arch" or "93" && fields.Count >= 3 && ushort.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var arch)
                && Enum.IsDefined((ClientArchitecture)arch))
            {
                // One tag may be set for several architectures (client-arch 7 and 9 both "efi64").
                if (!_archTags.TryGetValue(tag, out var archs))
                {
                    _archTags[tag] = archs = [];
                }

                archs.Add((ClientArchitecture)arch);
                return;
            }

            if (what is "175" or "option:175" or "77" && (fields.Count == 2 || fields[2].Contains("iPXE", StringComparison.OrdinalIgnoreCase)))
            {
                _ipxeTags.Add(tag);
                return;
            }
        }

        Warn(option, $"the tag '{tag}' is not one PxePowerShell understands (client-arch or iPXE); rules using it are not translated");
    }

    private void Apply(DnsmasqOption o)
    {
        if (HasUnterminatedQuote(o.Value))
        {
            Warn(o, "a double quote is not closed: the line is not translated (dnsmasq refuses it)");
            return;
        }

        switch (o.Key)
        {
            case "dhcp-range":
                Range(o);
                break;
            case "dhcp-boot":
                Boot(o);
                break;
            case "pxe-service":
                Service(o);
                break;
            case "pxe-prompt":
                var prompt = Fields(o.Value);
                _c = _c with { Prompt = prompt.Count > 0 ? prompt[0] : null };
                if (prompt.Count > 1 && int.TryParse(prompt[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timeout))
                {
                    _c = _c with { PromptTimeout = Math.Clamp(timeout, 0, 255) };
                }

                break;
            case "dhcp-option" or "dhcp-option-force":
                Option(o);
                break;
            case "dhcp-no-override":
                _c = _c with { NoOverride = true };
                break;
            case "enable-tftp":
                _c = _c with { Tftp = true };
                if (o.Value is { Length: > 0 } tftpInterfaces)
                {
                    Warn(o, $"TFTP is served on every interface the server uses, not only {tftpInterfaces}");
                }

                break;
            case "tftp-root":
                var root = Fields(o.Value);
                if (root.Count == 0 || root[0].Length == 0)
                {
                    Warn(o, "empty: no TFTP root named, so none is set (dnsmasq refuses an empty tftp-root)");
                    break;
                }

                _c = _c with { Root = root[0] };
                if (root.Count > 1)
                {
                    Warn(o, "per-interface TFTP roots are not supported: this root serves every interface");
                }

                break;
            case "tftp-max":
                if (int.TryParse(o.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) && max > 0)
                {
                    _c = _c with { TftpMaxSessions = max };
                }
                else
                {
                    Warn(o, "not a number");
                }

                break;
            case "dhcp-host":
                Host(o);
                break;
            case "interface":
                Interface(o);
                break;
            case "listen-address":
                ListenAddress(o);
                break;
            case "domain":
                Domain(o);
                break;
            case "port":
                _dnsPort = int.TryParse(o.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 53;
                Warn(o, DnsmasqUntranslated.Reason(o));
                break;
            default:
                Warn(o, DnsmasqUntranslated.Reason(o));
                break;
        }
    }

    private void Range(DnsmasqOption o)
    {
        var fields = Fields(o.Value).Where(f => !f.StartsWith("tag:", StringComparison.Ordinal) && !f.StartsWith("set:", StringComparison.Ordinal) && !f.StartsWith("net:", StringComparison.Ordinal)).ToList();
        if (fields.Count == 0 || !IPAddress.TryParse(fields[0], out var start) || start.AddressFamily != AddressFamily.InterNetwork)
        {
            Warn(o, "not translated: only IPv4 ranges are served");
            return;
        }

        if (_rangeSeen)
        {
            Warn(o, "not translated: one range per server (start another Start-PxeServer for another subnet)");
            return;
        }

        _rangeSeen = true;
        if (fields.Skip(1).Any(f => f.Equals("proxy", StringComparison.OrdinalIgnoreCase)))
        {
            _c = _c with { DhcpMode = DhcpMode.ProxyDhcp };
            return;
        }

        if (fields.Count < 2 || !IPAddress.TryParse(fields[1], out var end))
        {
            Warn(o, "not translated: a pooled range needs a start and an end address");
            _rangeSeen = false;
            return;
        }

        _c = _c with { DhcpMode = DhcpMode.Dhcp, RangeStart = start, RangeEnd = end };
        foreach (var field in fields.Skip(2))
        {
            if (IPAddress.TryParse(field, out var mask))
            {
                _c = _c with { SubnetMask = mask };
            }
            else if (Lease(field) is { } lease)
            {
                _c = _c with { LeaseDuration = lease };
            }
            else if (field is "static" or "ra-only" or "ra-names" or "ra-stateless" or "slaac")
            {
                Warn(o, $"mode '{field}' is not supported; the range is leased dynamically");
            }
            else
            {
                Warn(o, $"'{field}' not understood");
            }
        }
    }

    private void Boot(DnsmasqOption o)
    {
        var fields = Fields(o.Value);
        var tags = fields.TakeWhile(f => f.StartsWith("tag:", StringComparison.Ordinal) || f.StartsWith("net:", StringComparison.Ordinal)).Select(f => f[4..]).ToList();
        var rest = fields.Skip(tags.Count).ToList();
        if (rest.Count == 0)
        {
            Warn(o, "no boot file named");
            return;
        }

        string file = rest[0];
        if (rest.Count >= 3 && IPAddress.TryParse(rest[2], out var server))
        {
            _c = _c with { TftpServer = server };
        }
        else if (rest.Count == 2 && IPAddress.TryParse(rest[1], out var server2))
        {
            _c = _c with { TftpServer = server2 };
        }

        var positive = tags.Where(t => !t.StartsWith('!')).ToList();
        if (positive.Any(_ipxeTags.Contains))
        {
            _c = _c with { IpxeScript = file };
            return;
        }

        if (positive.Count == 0)
        {
            // Untagged (or only "not iPXE"): every client that no tagged dhcp-boot names, whatever its architecture.
            EveryArchitecture(file);
            return;
        }

        var archs = positive.Where(_archTags.ContainsKey).SelectMany(t => _archTags[t]).ToList();
        if (archs.Count == 0)
        {
            Warn(o, $"not translated: the tag(s) {string.Join(", ", positive)} are not client-architecture or iPXE tags");
            return;
        }

        foreach (var arch in archs)
        {
            _bootFiles[arch] = file;
        }
    }

    private void EveryArchitecture(string file)
    {
        foreach (var arch in BootPolicy.DefaultBootFiles.Keys.Append(ClientArchitecture.EfiBC))
        {
            _bootFiles.TryAdd(arch, file);
        }
    }

    private void Interface(DnsmasqOption o)
    {
        var names = Fields(o.Value).Where(f => f.Length > 0).ToList();
        if (names.Count == 0)
        {
            Warn(o, "empty: no interface named, so none is added (dnsmasq refuses an empty interface=)");
            return;
        }

        _interfaces.AddRange(names.Where(i => i != "lo"));
        if (names.Contains("lo"))
        {
            Warn(o, "the loopback interface is not served (no PXE client is there)");
        }
    }

    private void ListenAddress(DnsmasqOption o)
    {
        foreach (var field in Fields(o.Value))
        {
            if (IPAddress.TryParse(field, out var a) && a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            {
                _addresses.Add(a);
            }
            else
            {
                Warn(o, $"'{field}' is not served (loopback or not IPv4: dnsmasq listens there for DNS)");
            }
        }
    }

    private void Domain(DnsmasqOption o)
    {
        var fields = Fields(o.Value);
        if (fields.Count == 0 || fields[0].Length == 0)
        {
            Warn(o, "empty: no domain named");
            return;
        }

        // dhcp-option=15 wins over domain=, in whichever order they come, as in dnsmasq.
        _domain ??= fields[0];
        if (fields.Count > 1)
        {
            Warn(o, $"the subnet or range part ({string.Join(",", fields.Skip(1))}) is dropped: the domain is sent to every DHCP client");
        }
    }

    private void Service(DnsmasqOption o)
    {
        var fields = Fields(o.Value);
        if (fields.Count > 0 && fields[0].StartsWith("tag:", StringComparison.Ordinal))
        {
            Warn(o, "the tag condition is dropped: the menu item is offered to every client of its architecture");
            fields.RemoveAt(0);
        }

        if (fields.Count < 2)
        {
            Warn(o, "not understood: expected <CSA>,<menu text>[,<basename>]");
            return;
        }

        if (Csa(fields[0]) is not { } arch)
        {
            Warn(o, $"client system type '{fields[0]}' is not known");
            return;
        }

        string label = fields[1];
        if (fields.Count < 3 || int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            Warn(o, fields.Count < 3
                ? "a menu item without a file boots the local disk: add a LocalBoot boot entry (New-PxeBootEntry -Kind LocalBoot) instead"
                : "boot service types (other boot servers) are not supported");
            return;
        }

        string file = arch == ClientArchitecture.Bios ? fields[2] + ".0" : fields[2];
        if (fields.Count > 3)
        {
            Warn(o, "the boot server address is dropped: the file is served by this server");
        }

        if (!_menu.TryGetValue(label, out var files))
        {
            _menu[label] = files = [];
            _menuOrder.Add(label);
        }

        files[arch] = file;
    }

    private void Option(DnsmasqOption o)
    {
        var fields = Fields(o.Value);
        if (fields.Count > 0 && (fields[0].StartsWith("tag:", StringComparison.Ordinal) || fields[0].StartsWith("net:", StringComparison.Ordinal)))
        {
            Warn(o, "not translated: tag-conditional options are not supported");
            return;
        }

        if (fields.Count >= 2 && fields[0].Equals("vendor:PXEClient", StringComparison.OrdinalIgnoreCase))
        {
            Warn(o, "not needed: PxePowerShell sends the PXE vendor options (discovery control, menu) itself");
            return;
        }

        string code = fields.Count > 0 ? fields[0].ToLowerInvariant().Replace("option:", string.Empty, StringComparison.Ordinal) : string.Empty;
        if (fields.Count == 1 && code is "3" or "router" or "6" or "dns-server")
        {
            // dhcp-option=3 (no value): dnsmasq sends no router (or no DNS server) rather than its own address.
            _routerSet |= code is "3" or "router";
            _dnsSet |= code is "6" or "dns-server";
            return;
        }

        if (fields.Count < 2)
        {
            Warn(o, "not understood: expected <option>,<value>");
            return;
        }

        var values = fields.Skip(1).ToList();
        switch (code)
        {
            case "3" or "router":
                _c = _c with { Router = Addresses(o, values) };
                _routerSet = true;
                break;
            case "6" or "dns-server":
                _c = _c with { DnsServers = Addresses(o, values) };
                _dnsSet = true;
                break;
            case "15" or "domain-name":
                _c = _c with { DomainName = values[0] };
                _domainSet = true;
                break;
            case "1" or "netmask":
                if (IPAddress.TryParse(values[0], out var mask))
                {
                    _c = _c with { SubnetMask = mask };
                }

                break;
            case "66" or "tftp-server":
                if (IPAddress.TryParse(values[0], out var tftp))
                {
                    _c = _c with { TftpServer = tftp };
                }
                else
                {
                    Warn(o, "only an address is supported for the TFTP server");
                }

                break;
            case "67" or "bootfile-name":
                EveryArchitecture(values[0]);
                break;
            default:
                Warn(o, $"not translated: option {fields[0]} is not sent by PxePowerShell");
                break;
        }
    }

    private void Host(DnsmasqOption o)
    {
        var fields = Fields(o.Value);
        var macs = new List<string>();
        IPAddress? address = null;
        string? name = null;
        foreach (var field in fields)
        {
            if (MacAddress.TryNormalizeHardwareAddress(field, out var mac) && field.Contains(':', StringComparison.Ordinal))
            {
                macs.Add(mac);
            }
            else if (IPAddress.TryParse(field, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
            {
                address = ip;
            }
            else if (Lease(field) is null && field is not "ignore" && !field.StartsWith("id:", StringComparison.Ordinal) && !field.StartsWith("set:", StringComparison.Ordinal) && !field.StartsWith("tag:", StringComparison.Ordinal))
            {
                name = field;
            }
        }

        if (macs.Count == 0 || address is null)
        {
            Warn(o, "not translated: only MAC-to-address reservations are supported");
            return;
        }

        string mac0 = MacAddress.NormalizeHardwareAddress(macs[0]);
        if (_hostLines.TryGetValue(mac0, out int earlier) || _hostLines.TryGetValue(address.ToString(), out earlier))
        {
            Warn(o, $"not translated: line {earlier} already reserves {(_hostLines.ContainsKey(mac0) ? macs[0] : address.ToString())}");
            return;
        }

        _hostLines[mac0] = o.Line;
        _hostLines[address.ToString()] = o.Line;
        _reservations.Add(new DhcpReservation(address, macs[0], name, fields.Select(Lease).FirstOrDefault(l => l is not null)));

        if (macs.Count > 1)
        {
            Warn(o, $"only the first MAC address ({macs[0]}) is reserved; the others ({string.Join(", ", macs.Skip(1))}) are not");
        }
    }

    private PxeServerConfiguration Finish(IReadOnlyList<DnsmasqOption> options)
    {
        var c = _c with
        {
            BootFiles = _bootFiles,
            Menu = _menuOrder.Select(label => new PxeMenuEntry(label, _menu[label])).ToList(),
            Reservations = _reservations,
            Interfaces = _interfaces.Distinct(StringComparer.Ordinal).ToList(),
            Addresses = _addresses.Distinct().ToList(),
        };
        if (!_domainSet && _domain is not null)
        {
            c = c with { DomainName = _domain };
        }

        string file = options.Count > 0 ? options[0].File : "(empty)";
        if (!_rangeSeen)
        {
            _warnings.Add(new DnsmasqWarning(file, 0, string.Empty, "no dhcp-range: dnsmasq answers no DHCP, so DhcpMode is None"));
        }

        if (!c.Tftp)
        {
            _warnings.Add(new DnsmasqWarning(file, 0, string.Empty, "no enable-tftp: TFTP stays off (Tftp = $false) as in dnsmasq"));
        }

        if (c.DhcpMode == DhcpMode.ProxyDhcp && _menuOrder.Count == 0)
        {
            _warnings.Add(new DnsmasqWarning(file, 0, string.Empty, "proxyDHCP without pxe-service: dnsmasq 2.90 answers no client in this mode, PxePowerShell answers PXE clients with the boot files"));
        }

        if (c.DhcpMode == DhcpMode.Dhcp && !_routerSet)
        {
            // dnsmasq sends its own address as the router when no dhcp-option=3 says otherwise; 0.0.0.0 is that address.
            c = c with { Router = [IPAddress.Any] };
            _warnings.Add(new DnsmasqWarning(file, 0, string.Empty, "no dhcp-option=3: clients get this server's address as their router, as dnsmasq gave them (Router = 0.0.0.0)"));
        }

        if (c.DhcpMode == DhcpMode.Dhcp && !_dnsSet && _dnsPort == 53)
        {
            _warnings.Add(new DnsmasqWarning(
                file,
                0,
                string.Empty,
                "no dhcp-option=6: dnsmasq told clients to use itself as their DNS server; PxePowerShell has no DNS server, so no DNS server is sent: set DnsServers to your resolver"));
        }

        return c;
    }

    private List<IPAddress> Addresses(DnsmasqOption o, IEnumerable<string> values)
    {
        var list = new List<IPAddress>();
        foreach (var v in values)
        {
            if (IPAddress.TryParse(v, out var a) && a.AddressFamily == AddressFamily.InterNetwork)
            {
                // 0.0.0.0 is "this server" in both: the address of the interface the request came in on.
                list.Add(a);
            }
            else
            {
                Warn(o, $"'{v}' is not an IPv4 address: left out");
            }
        }

        return list;
    }
}
