using System.Globalization;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Storage;
using PxePowerShell.Storage.Postgres;

// Usage: PxePowerShell.DhcpTestHost <interface> <port> <clientPort> <start> <end> <mask> <dataDirectory> [<store>]
//        (<store>: an Npgsql connection string, the module's -Store: the leases in that PostgreSQL database, through
//        the host's storage setting PxeHostOptions.Storage, migrated at start; without it the lease journal in <dataDirectory>)
//        PxePowerShell.DhcpTestHost proxy <interface> <port> <pxePort>        (proxyDHCP, for bench/dhcp)
//        PxePowerShell.DhcpTestHost pxe key=value...                              (PxeServer with inventory and boot entries, see PxeServerHost)
// Prints "READY <port>" when serving, then runs until killed (the test kills it with SIGKILL).
if (args.Length > 0 && args[0] == "pxe")
{
    return await PxeServerHost.RunAsync(args[1..]);
}

if (args.Length == 4 && args[0] == "proxy")
{
    await using var proxy = new ProxyDhcpServer("proxy-host", new ProxyDhcpServerOptions
    {
        Interfaces = [args[1]],
        Port = int.Parse(args[2], CultureInfo.InvariantCulture),
        PxePort = int.Parse(args[3], CultureInfo.InvariantCulture),
    });
    await proxy.StartAsync();
    Console.WriteLine($"READY {proxy.EndPoints[0].Port}");
    Console.Out.Flush();
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; _ = proxy.StopAsync(); });
    await proxy.Completion;
    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(proxy.Statistics));
    return 0;
}

if (args.Length is not (7 or 8))
{
    Console.Error.WriteLine("usage: <interface> <port> <clientPort> <start> <end> <mask> <dataDirectory> [<store>]");
    return 2;
}

string? store = args.Length == 8 ? args[7] : null;
await using var host = new PxeHost(new PxeHostOptions
{
    DataDirectory = args[6],
    Storage = store is null ? null : directory => PostgresStorage.Open(store, directory, "dhcp-host"),
});

// The configuration's one mapping to the server's options, as Start-PxeDhcpServer and PxeServer use it.
var options = new PxeServerConfiguration
{
    Name = "dhcp-host",
    DhcpMode = DhcpMode.Dhcp,
    Interfaces = [args[0]],
    DhcpPort = int.Parse(args[1], CultureInfo.InvariantCulture),
    ClientPort = int.Parse(args[2], CultureInfo.InvariantCulture),
    RangeStart = IPAddress.Parse(args[3]),
    RangeEnd = IPAddress.Parse(args[4]),
    SubnetMask = IPAddress.Parse(args[5]),
    LeaseDuration = TimeSpan.FromHours(1),
}.DhcpServerOptions(args[6], store is null ? null : host.Storage.Leases(LeaseFamily.IPv4), boot: null);
// Wired as Start-PxeDhcpServer wires it: the host's event hub, which feeds the client inventory (opened here as the
// module opens it) and the event store, so a benchmark of this mode pays for what a module's server does per client.
if (host.OpenClientsOrWarn() is { } warning)
{
    Console.Error.WriteLine(warning);
}

await using var server = new DhcpServer("dhcp-host", options, host.Events);
await server.StartAsync();
// SIGTERM (the benchmark's stop): the server's counters to stderr, then the default exit.
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ =>
    Console.Error.WriteLine("STATS " + System.Text.Json.JsonSerializer.Serialize(server.Statistics)));
Console.WriteLine($"READY {server.EndPoints[0].Port}");
Console.Out.Flush();
await server.Completion;
return 0;
