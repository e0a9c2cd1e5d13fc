using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// Maps a <see cref="PxeServerConfiguration"/> to and from plain values — dictionaries (case-insensitive keys), lists,
/// strings, numbers and booleans — which is what a psd1 hashtable and a JSON document both are. One mapping, so both
/// file formats accept the same keys and give the same errors. Unknown keys and wrong types are errors naming the key.
/// </summary>
public static partial class PxeConfigurationValues
{
    private static readonly PxeServerConfiguration s_defaults = new();

    /// <summary>The keys a configuration may hold, in the order they are written.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Name", "Root", "DhcpMode", "Interfaces", "Addresses",
        "RangeStart", "RangeEnd", "SubnetMask", "Router", "DnsServers", "DomainName", "LeaseDuration", "DeclineProbation", "DeclineLimit", "Reservations",
        "BootFiles", "IpxeScript", "HttpBootUrl", "Menu", "Prompt", "PromptTimeout", "NoOverride", "TftpServer",
        "ConflictCheckTimeout", "DhcpPort", "PxePort", "ClientPort", "Tftp", "TftpPort", "TftpMaxSessions", "Http", "HttpPort",
        "HttpMaxConnectionsPerAddress", "HttpIgnoreCase", "Metrics", "BootMenu",
        "SecureBoot", "SecureBootPath", "Mounts", "DataDirectory", "Store", "HaPeers", "HaHeartbeatDelay", "HaMaxResponseDelay", "Dhcp6", "Dhcp6RangeStart", "Dhcp6RangeEnd", "Dhcp6Port", "Dhcp6Reservations",
    ];

    /// <summary>
    /// Reads a configuration from plain values. Relative paths (Root, DataDirectory, each mount's Path) resolve against
    /// <paramref name="baseDirectory"/> when given.
    /// </summary>
    /// <exception cref="PxeConfigurationException">A key is unknown or a value has the wrong type or form.</exception>
    public static PxeServerConfiguration FromValues(IDictionary values, string? baseDirectory = null) =>
        RequireDhcpAddresses(Apply(new PxeServerConfiguration(), values, baseDirectory), "Addresses");

    /// <summary>
    /// Lays <paramref name="values"/> over <paramref name="configuration"/>: each setting named replaces the one there, the
    /// others stay. This is the one parser of settings: files (<see cref="FromValues"/>) and cmdlet parameters
    /// (<see cref="PxeConfigurationParameters"/>) both go through it, so they accept the same values and fail with the same
    /// errors. Keys are setting names or the cmdlet parameter names that stand for them (Port, BootFile, Reservation ...).
    /// </summary>
    /// <exception cref="PxeConfigurationException">A key is unknown or a value has the wrong type or form.</exception>
    public static PxeServerConfiguration Apply(PxeServerConfiguration configuration, IDictionary values, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(values);
        var c = configuration;
        foreach (DictionaryEntry item in values)
        {
            string key = item.Key?.ToString() ?? string.Empty;
            object? value = item.Value;
            c = Canonical(key) switch
            {
                "Name" => c with { Name = Text(key, value) },
                "Root" => c with { Root = FullPath(Text(key, value), baseDirectory) },
                "DhcpMode" => c with { DhcpMode = Enumeration<DhcpMode>(key, value) },
                "Interfaces" => c with { Interfaces = List(key, value).Select(v => Text(key, v)).ToList() },
                "Addresses" => c with { Addresses = List(key, value).Select(v => AnyAddress(key, v)).ToList() },
                "RangeStart" => c with { RangeStart = Address(key, value) },
                "RangeEnd" => c with { RangeEnd = Address(key, value) },
                "Range" => WithRange(c, key, value),
                "SubnetMask" => c with { SubnetMask = Address(key, value) },
                "Router" => c with { Router = List(key, value).Select(v => Address(key, v)).ToList() },
                "DnsServers" => c with { DnsServers = List(key, value).Select(v => Address(key, v)).ToList() },
                "DomainName" => c with { DomainName = Text(key, value) },
                "LeaseDuration" => c with { LeaseDuration = Duration(key, value) },
                "DeclineProbation" => c with { DeclineProbation = Duration(key, value) },
                "DeclineLimit" => c with { DeclineLimit = Integer(key, value, 1, 65536) },
                "Reservations" => c with { Reservations = List(key, value).Select(v => Reservation(key, v)).ToList() },
                "BootFiles" => c with { BootFiles = BootFiles(key, Table(key, value), allowLabel: false) },
                "IpxeScript" => c with { IpxeScript = Text(key, value) },
                "HttpBootUrl" => c with { HttpBootUrl = Text(key, value) },
                "Menu" => c with { Menu = List(key, value).Select(v => MenuEntry(key, v)).ToList() },
                "Prompt" => c with { Prompt = Text(key, value) },
                "PromptTimeout" => c with { PromptTimeout = PromptSeconds(key, value) },
                "NoOverride" => c with { NoOverride = Boolean(key, value) },
                "TftpServer" => c with { TftpServer = Address(key, value) },
                "ConflictCheckTimeout" => c with { ConflictCheckTimeout = Duration(key, value, TimeSpan.Zero, TimeSpan.FromMinutes(10), "00:00:02") },
                "DhcpPort" => c with { DhcpPort = Integer(key, value, 0, 65535) },
                "Dhcp6" => c with { Dhcp6 = Boolean(key, value) },
                "Dhcp6RangeStart" => c with { Dhcp6RangeStart = Address6(key, value) },
                "Dhcp6RangeEnd" => c with { Dhcp6RangeEnd = Address6(key, value) },
                "Dhcp6Port" => c with { Dhcp6Port = Integer(key, value, 0, 65535) },
                "Dhcp6Reservations" => c with { Dhcp6Reservations = Reservations6(key, value) },
                "PxePort" => c with { PxePort = Integer(key, value, 0, 65535) },
                "ClientPort" => c with { ClientPort = Integer(key, value, 1, 65535) },
                "Tftp" => c with { Tftp = Boolean(key, value) },
                "TftpPort" => c with { TftpPort = Integer(key, value, 0, 65535) },
                "TftpMaxSessions" => c with { TftpMaxSessions = Integer(key, value, 0, 100_000) },
                "Http" => c with { Http = Boolean(key, value) },
                "HttpPort" => c with { HttpPort = Integer(key, value, 0, 65535) },
                "HttpMaxConnectionsPerAddress" => c with { HttpMaxConnectionsPerAddress = Integer(key, value, 0, 100_000) },
                "HttpIgnoreCase" => c with { HttpIgnoreCase = Boolean(key, value) },
                "Metrics" => c with { Metrics = Boolean(key, value) },
                "BootMenu" => c with { BootMenu = Boolean(key, value) },
                "SecureBoot" => c with { SecureBoot = Boolean(key, value) },
                "SecureBootPath" => c with { SecureBootPath = FullPath(Text(key, value), baseDirectory) },
                "Mounts" => c with { Mounts = List(key, value).Select(v => Mount(key, v, baseDirectory)).ToList() },
                "DataDirectory" => c with { DataDirectory = FullPath(Text(key, value), baseDirectory) },
                "Store" => c with { Store = Text(key, value) },
                "HaPeers" => c with { HaPeers = List(key, value).Select(v => Text(key, v)).ToList() },
                "HaHeartbeatDelay" => c with { HaHeartbeatDelay = Duration(key, value) },
                "HaMaxResponseDelay" => c with { HaMaxResponseDelay = Duration(key, value) },
                _ => throw new PxeConfigurationException(key, $"'{key}' is not a setting. Settings: {string.Join(", ", Keys)}."),
            };
        }

        return c;
    }

    /// <summary>
    /// The configuration as plain values, in <see cref="Keys"/> order: Name, Root and DhcpMode always, everything else
    /// only where it differs from the default, so an exported file says what was chosen and nothing more.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object>> ToValues(PxeServerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var c = configuration;
        var d = s_defaults;
        var list = new List<KeyValuePair<string, object>>();
        void Add(string key, object? value, bool include)
        {
            if (include && value is not null)
            {
                list.Add(new(key, value));
            }
        }

        static List<object> Strings<T>(IEnumerable<T> items) => items.Select(i => (object)i!.ToString()!).ToList();

        Add("Name", c.Name, true);
        Add("Root", c.Root, true);
        Add("DhcpMode", c.DhcpMode.ToString(), true);
        Add("Interfaces", Strings(c.Interfaces), c.Interfaces.Count > 0);
        Add("Addresses", Strings(c.Addresses), c.Addresses.Count > 0);
        Add("RangeStart", c.RangeStart?.ToString(), true);
        Add("RangeEnd", c.RangeEnd?.ToString(), true);
        Add("SubnetMask", c.SubnetMask?.ToString(), true);
        Add("Router", Strings(c.Router), c.Router.Count > 0);
        Add("DnsServers", Strings(c.DnsServers), c.DnsServers.Count > 0);
        Add("DomainName", c.DomainName, true);
        Add("LeaseDuration", c.LeaseDuration.ToString("c", CultureInfo.InvariantCulture), c.LeaseDuration != d.LeaseDuration);
        Add("DeclineProbation", c.DeclineProbation.ToString("c", CultureInfo.InvariantCulture), c.DeclineProbation != d.DeclineProbation);
        Add("DeclineLimit", c.DeclineLimit, c.DeclineLimit != d.DeclineLimit);
        Add(
            "Reservations",
            c.Reservations.Select(r => (object)ReservationValue(r)).ToList(),
            c.Reservations.Count > 0);
        Add("BootFiles", Files(c.BootFiles), c.BootFiles.Count > 0);
        Add("IpxeScript", c.IpxeScript, true);
        Add("HttpBootUrl", c.HttpBootUrl, true);
        Add("Menu", c.Menu.Select(MenuValue).ToList(), c.Menu.Count > 0);
        Add("Prompt", c.Prompt, true);
        Add("PromptTimeout", c.PromptTimeout, c.PromptTimeout != d.PromptTimeout);
        Add("NoOverride", c.NoOverride, c.NoOverride != d.NoOverride);
        Add("TftpServer", c.TftpServer?.ToString(), true);
        Add("ConflictCheckTimeout", c.ConflictCheckTimeout.ToString("c", CultureInfo.InvariantCulture), c.ConflictCheckTimeout != d.ConflictCheckTimeout);
        Add("DhcpPort", c.DhcpPort, c.DhcpPort != d.DhcpPort);
        Add("PxePort", c.PxePort, c.PxePort != d.PxePort);
        Add("ClientPort", c.ClientPort, c.ClientPort != d.ClientPort);
        Add("Tftp", c.Tftp, c.Tftp != d.Tftp);
        Add("TftpPort", c.TftpPort, c.TftpPort != d.TftpPort);
        Add("TftpMaxSessions", c.TftpMaxSessions, c.TftpMaxSessions != d.TftpMaxSessions);
        Add("Http", c.Http, c.Http != d.Http);
        Add("HttpPort", c.HttpPort, c.HttpPort != d.HttpPort);
        Add("HttpMaxConnectionsPerAddress", c.HttpMaxConnectionsPerAddress, c.HttpMaxConnectionsPerAddress != d.HttpMaxConnectionsPerAddress);
        Add("HttpIgnoreCase", c.HttpIgnoreCase, c.HttpIgnoreCase != d.HttpIgnoreCase);
        Add("Metrics", c.Metrics, c.Metrics != d.Metrics);
        Add("BootMenu", c.BootMenu, c.BootMenu != d.BootMenu);
        Add("SecureBoot", c.SecureBoot, c.SecureBoot != d.SecureBoot);
        Add("SecureBootPath", c.SecureBootPath, true);
        Add("Mounts", c.Mounts.Select(MountValue).ToList(), c.Mounts.Count > 0);
        Add("DataDirectory", c.DataDirectory, true);
        Add("Store", c.Store, true);
        Add("HaPeers", Strings(c.HaPeers), c.HaPeers.Count > 0);
        Add("HaHeartbeatDelay", c.HaHeartbeatDelay?.ToString("c", CultureInfo.InvariantCulture), c.HaHeartbeatDelay is not null);
        Add("HaMaxResponseDelay", c.HaMaxResponseDelay?.ToString("c", CultureInfo.InvariantCulture), c.HaMaxResponseDelay is not null);
        Add("Dhcp6", c.Dhcp6, c.Dhcp6 != d.Dhcp6);
        Add("Dhcp6RangeStart", c.Dhcp6RangeStart?.ToString(), c.Dhcp6RangeStart is not null);
        Add("Dhcp6RangeEnd", c.Dhcp6RangeEnd?.ToString(), c.Dhcp6RangeEnd is not null);
        Add("Dhcp6Port", c.Dhcp6Port, c.Dhcp6Port != d.Dhcp6Port);
        Add("Dhcp6Reservations", c.Dhcp6Reservations.Select(r => (object)Ordered(("IPAddress", r.IPAddress.ToString()), ("Duid", r.Duid), ("MacAddress", r.MacAddress), ("Name", r.Name))).ToList(), c.Dhcp6Reservations.Count > 0);
        return list;
    }

    private static string Canonical(string key)
    {
        foreach (var k in Keys)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                return k;
            }
        }

        // The singular forms the cmdlet parameters use are accepted too.
        return key.ToLowerInvariant() switch
        {
            "interface" => "Interfaces",
            "address" => "Addresses",
            "dnsserver" => "DnsServers",
            "reservation" => "Reservations",
            "bootfile" => "BootFiles",
            "mount" => "Mounts",
            "range" => "Range",
            "leasetime" => "LeaseDuration",
            "startrange" => "RangeStart",
            "endrange" => "RangeEnd",
            "port" => "DhcpPort",
            "maxsessions" => "TftpMaxSessions",
            "timeout" => "PromptTimeout",
            _ => key,
        };
    }

    private static PxeServerConfiguration WithRange(PxeServerConfiguration c, string key, object? value)
    {
        var items = List(key, value);
        if (items.Count != 2)
        {
            throw new PxeConfigurationException(key, $"{key} needs two addresses, the first and the last of the pool, e.g. '192.168.0.100','192.168.0.200'.");
        }

        return c with { RangeStart = Address(key, items[0]), RangeEnd = Address(key, items[1]) };
    }

    private static List<KeyValuePair<string, object>> Ordered(params (string Key, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, object>(p.Key, p.Value!)).ToList();

    private static List<KeyValuePair<string, object>> Files(IReadOnlyDictionary<ClientArchitecture, string> files) =>
        files.OrderBy(f => (ushort)f.Key).Select(f => new KeyValuePair<string, object>(f.Key.ToString(), f.Value)).ToList();

    private static object MenuValue(PxeMenuEntry entry)
    {
        var value = new List<KeyValuePair<string, object>> { new("Label", entry.Label) };
        if (entry.BootFiles is not null)
        {
            value.AddRange(Files(entry.BootFiles));
        }

        return value;
    }

    private static string Text(string key, object? value)
    {
        string? text = value switch
        {
            string s => s,
            IConvertible c and not bool => c.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PxeConfigurationException(key, $"{key} must be a non-empty text value.");
        }

        return text;
    }

    private static string? FullPath(string path, string? baseDirectory) =>
        baseDirectory is null || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));

    /// <summary>The IPv6 addresses of a setting (a list or one value); IPv6AddressRequired for any other.</summary>
    internal static List<IPAddress> Addresses6(string key, object? value) => List(key, value).Select(v => Address6(key, v)).ToList();

    /// <summary>An IPv6 address (DHCPv6 ranges, reservations and options); IPv6AddressRequired for anything else.</summary>
    internal static IPAddress Address6(string key, object? value)
    {
        string text = value is IPAddress ip ? ip.ToString() : Text(key, value);
        return IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : throw new PxeConfigurationException(key, $"{key}: '{text}' is not an IPv6 address; DHCPv6 ranges and options carry only IPv6 addresses such as fd00:77::100.", errorId: PxeErrorIds.IPv6AddressRequired);
    }

    private static IPAddress Address(string key, object? value)
    {
        var address = AnyAddress(key, value);
        return address.AddressFamily == AddressFamily.InterNetwork ? address : throw NotIPv4(key, address);
    }

    private static IPAddress AnyAddress(string key, object? value)
    {
        if (value is IPAddress ip)
        {
            return ip;
        }

        string text = Text(key, value);
        return IPAddress.TryParse(text, out var address)
            ? address
            : throw new PxeConfigurationException(key, $"{key}: '{text}' is not an IPv4 address.");
    }

    private static PxeConfigurationException NotIPv4(string key, IPAddress address) => new(
        key,
        $"{key}: '{address}' is not an IPv4 address; DHCPv4 options and fields carry only IPv4 addresses such as 192.168.0.1.",
        errorId: PxeErrorIds.IPv4AddressRequired);

    /// <summary>
    /// IPv4AddressRequired unless every interface address is IPv4 or no DHCP runs (with DhcpMode None, TFTP and HTTP may
    /// listen on an IPv6 address); <paramref name="key"/> is the name the addresses were given under.
    /// </summary>
    internal static PxeServerConfiguration RequireDhcpAddresses(PxeServerConfiguration c, string key)
    {
        if (c.DhcpMode != DhcpMode.None && c.Addresses.FirstOrDefault(a => a.AddressFamily != AddressFamily.InterNetwork) is { } address)
        {
            throw NotIPv4(key, address);
        }

        return c;
    }

    private static int PromptSeconds(string key, object? value)
    {
        if (value is not TimeSpan time)
        {
            return Integer(key, value, 0, 255);
        }

        _ = Duration(key, time, TimeSpan.Zero, TimeSpan.FromSeconds(255), "00:00:10");
        if (time.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new PxeConfigurationException(
                key,
                $"{key} {time:c} is not a whole number of seconds; write a TimeSpan such as 00:00:10 or (New-TimeSpan -Seconds 10) (PowerShell turns a bare integer into ticks, not seconds).");
        }

        return (int)time.TotalSeconds;
    }

    private static TimeSpan Duration(string key, object? value, TimeSpan minimum, TimeSpan maximum, string example)
    {
        var time = Duration(key, value);
        return time >= minimum && time <= maximum
            ? time
            : throw new PxeConfigurationException(key, $"{key} {time:c} is out of range: it must be at least {minimum:c} and at most {maximum:c}, for example {example}.");
    }

    private static int Integer(string key, object? value, int min, int max)
    {
        long number = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            double d when d == Math.Floor(d) && Math.Abs(d) < long.MaxValue => (long)d,
            decimal m when m == decimal.Floor(m) => (long)m,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new PxeConfigurationException(key, $"{key} must be a whole number from {min} to {max}."),
        };
        if (number < min || number > max)
        {
            throw new PxeConfigurationException(key, $"{key} is {number}; it must be from {min} to {max}.");
        }

        return (int)number;
    }

    private static bool Boolean(string key, object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        _ => throw new PxeConfigurationException(key, $"{key} must be $true or $false (true or false in JSON)."),
    };

    private static T Enumeration<T>(string key, object? value)
        where T : struct, Enum
    {
        string text = Text(key, value);
        if (!Enum.TryParse<T>(text, ignoreCase: true, out var result) || !Enum.IsDefined(result) || char.IsDigit(text[0]))
        {
            throw new PxeConfigurationException(key, $"{key}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
        }

        return result;
    }

    private static TimeSpan Duration(string key, object? value)
    {
        switch (value)
        {
            case TimeSpan t:
                return t;
            case int or long or double:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new PxeConfigurationException(key, $"{key} must be a duration such as '12:00:00' or '1.00:00:00', or a number of seconds.");
        }
    }

    private static IReadOnlyList<object?> List(string key, object? value) => value switch
    {
        null => throw new PxeConfigurationException(key, $"{key} has no value."),
        string s => [s],
        IDictionary => throw new PxeConfigurationException(key, $"{key} must be a list, not a table."),
        IEnumerable e => e.Cast<object?>().ToList(),
        _ => [value],
    };

    private static IDictionary Table(string key, object? value) => value as IDictionary
        ?? (value is IEnumerable<KeyValuePair<string, object>> pairs ? pairs.ToDictionary(p => p.Key, p => (object?)p.Value) : null)
        ?? throw new PxeConfigurationException(key, $"{key} must be a table such as @{{ Bios = 'pxelinux.0'; EfiX64 = 'syslinux.efi' }}.");

    private static Dictionary<ClientArchitecture, string> BootFiles(string key, IDictionary table, bool allowLabel)
    {
        var files = new Dictionary<ClientArchitecture, string>();
        foreach (DictionaryEntry entry in table)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            if (allowLabel && string.Equals(name, "Label", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!ClientArchitectures.TryParse(name, out var architecture))
            {
                throw new PxeConfigurationException(
                    key,
                    $"{key}: '{name}' is not a client architecture. Use one of: {string.Join(", ", Enum.GetNames<ClientArchitecture>())}.",
                    errorId: PxeErrorIds.UnknownArchitecture);
            }

            files[architecture] = Text($"{key}.{name}", entry.Value);
        }

        return files;
    }

    private static PxeMenuEntry MenuEntry(string key, object? value)
    {
        if (value is string label)
        {
            return new PxeMenuEntry(Text(key, label));
        }

        var table = Table(key, value);
        string? text = null;
        foreach (DictionaryEntry entry in table)
        {
            if (string.Equals(entry.Key?.ToString(), "Label", StringComparison.OrdinalIgnoreCase))
            {
                text = Text($"{key}.Label", entry.Value);
            }
        }

        if (text is null)
        {
            throw new PxeConfigurationException(key, $"Every {key} item needs a Label, e.g. @{{ Label = 'Install'; Bios = 'pxelinux.0' }}.");
        }

        var files = BootFiles(key, table, allowLabel: true);
        return new PxeMenuEntry(text, files.Count == 0 ? null : files);
    }

    private static object MountValue(IsoMountConfiguration m)
    {
        var value = Ordered(("Path", m.Path), ("MountPoint", m.MountPoint));
        if (m.Servers.Count > 0)
        {
            value.Add(new("Servers", m.Servers.Select(s => (object)s).ToList()));
        }

        return value;
    }

    private static IsoMountConfiguration Mount(string key, object? value, string? baseDirectory)
    {
        string? path = null, mountPoint = null;
        List<string> servers = [];
        foreach (DictionaryEntry entry in Table(key, value))
        {
            switch (entry.Key?.ToString()?.ToLowerInvariant())
            {
                case "path":
                    path = FullPath(Text($"{key}.Path", entry.Value), baseDirectory);
                    break;
                case "mountpoint":
                    mountPoint = Text($"{key}.MountPoint", entry.Value);
                    break;
                case "servers" or "server":
                    servers = List($"{key}.Servers", entry.Value).Select(v => Text($"{key}.Servers", v)).ToList();
                    break;
                default:
                    throw new PxeConfigurationException(key, $"{key}: '{entry.Key}' is not a mount field; use Path, MountPoint and optionally Servers.");
            }
        }

        if (path is null || mountPoint is null)
        {
            throw new PxeConfigurationException(key, $"Every {key} item needs Path and MountPoint, e.g. @{{ Path = 'arch.iso'; MountPoint = 'arch' }}.");
        }

        return new IsoMountConfiguration(path, mountPoint) { Servers = servers };
    }
}
