namespace PxePowerShell.Engine.Configuration.Dnsmasq;

/// <summary>
/// The dnsmasq options the converter does not translate, each with the reason its warning gives: DNS settings (there is
/// no DNS server), logging (every exchange is an event), settings PxePowerShell does not need, and the ones it lacks.
/// </summary>
internal static class DnsmasqUntranslated
{
    private const string Logging = "not needed: every DHCP exchange and transfer is an event (Get-PxeEvent, Start-PxeServer -Wait)";

    private static readonly string[] Dns =
    [
        "domain-needed", "bogus-priv", "no-resolv", "no-poll", "server", "local", "address", "expand-hosts",
        "cache-size", "log-queries", "no-hosts", "addn-hosts", "resolv-file", "strict-order", "filterwin2k",
        "stop-dns-rebind", "rebind-localhost-ok", "all-servers", "dns-forward-max", "neg-ttl", "local-ttl", "no-negcache",
        "cname", "mx-host", "srv-host", "txt-record", "ptr-record", "host-record", "dnssec", "trust-anchor", "edns-packet-max",
        "query-port", "min-port", "max-port",
    ];

    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["log-dhcp"] = Logging,
        ["log-facility"] = Logging,
        ["log-async"] = Logging,
        ["quiet-dhcp"] = Logging,
        ["quiet-dhcp6"] = Logging,
        ["quiet-ra"] = Logging,
        ["quiet-tftp"] = Logging,
        ["user"] = "not needed: run Start-PxeServer as the user it should run as (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        ["group"] = "not needed: run Start-PxeServer as the user it should run as (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        ["pid-file"] = "not needed: Get-PxeServer lists the servers of the session; under systemd the unit tracks the process",
        ["keep-in-foreground"] = "not needed: Start-PxeServer -Wait runs in the foreground",
        ["no-daemon"] = "not needed: Start-PxeServer -Wait runs in the foreground",
        ["conntrack"] = "not translated: PxePowerShell has no DNS server",
        ["enable-ra"] = "not translated: PxePowerShell sends no IPv6 router advertisements",
        ["tftp-secure"] = "not needed: PxePowerShell never serves outside the root, whoever owns the files",
        ["tftp-port-range"] = "not translated: each transfer uses an ephemeral port the system chooses",
        ["tftp-single-port"] = "not translated: each transfer uses its own ephemeral port",
        ["tftp-no-blocksize"] = "not translated: the blksize option is always negotiated",
        ["tftp-lowercase"] = "not needed: a name that does not match exactly is matched ignoring case",
        ["tftp-no-fail"] = "not translated: Start-PxeServer refuses a root that does not exist (dnsmasq would start without it)",
        ["tftp-unique-root"] = "not translated: every client is served from the one root (no per-address or per-MAC subdirectories)",
        ["tftp-mtu"] = "not translated: the block size is what the client asks for (blksize), within the interface MTU",
        ["bind-interfaces"] = "not needed: PxePowerShell always binds to each interface it serves",
        ["bind-dynamic"] = "not needed: PxePowerShell always binds to each interface it serves",
        ["dhcp-authoritative"] = "the full DHCP server answers requests for addresses outside its leases with NAK already",
        ["dhcp-leasefile"] = "leases live in the data directory (leases/); this file is not read",
        ["except-interface"] = "not translated: name the interfaces to serve with Interfaces instead",
        ["no-dhcp-interface"] = "not translated: name the interfaces to serve with Interfaces instead",
        ["no-ping"] = "not needed: PxePowerShell does not ping an address before offering it",
    };

    /// <summary>The reason an option that has no case of its own in the converter is not translated.</summary>
    public static string Reason(DnsmasqOption option) => option.Key switch
    {
        "port" => option.Value == "0" ? "not needed: PxePowerShell has no DNS server" : "ignored: PxePowerShell has no DNS server",
        _ when Reasons.TryGetValue(option.Key, out var reason) => reason,
        _ when Dns.Contains(option.Key) => "ignored: a DNS setting (PxePowerShell has no DNS server)",
        _ => "not translated: PxePowerShell has no equivalent",
    };
}
