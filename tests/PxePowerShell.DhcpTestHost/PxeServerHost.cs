using System.Globalization;
using System.Net;
using System.Text.Json;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;

/// <summary>
/// <c>pxe key=value...</c>: an all-in-one <see cref="PxeServer"/> (proxyDHCP or full DHCP, and TFTP) with the client
/// inventory and the boot entries of a data directory, built by the engine's composition root (<see cref="PxeHost"/>) as
/// the module builds it, for the Hostile tests (floods in a
/// namespace on ports 67/69/4011, kill -9 under load).
/// Keys: mode=proxy|dhcp iface= root= data= dhcpPort= pxePort= clientPort= tftpPort= maxSessions= httpPort= (HTTP on) httpPerAddress= start= end= churn=0|1.
/// Prints "READY" and then answers lines on stdin: "stats" prints "STATS {json}" (the server's counters, the managed heap
/// after a full collection, VmRSS, open descriptors and the kernel's drop count per UDP port); end of input stops the server.
/// With churn=1 the boot entry "churn" is rewritten in a loop, so a kill lands in the middle of boot-entry writes.
/// </summary>
internal static class PxeServerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = args.Select(x => x.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        int Int(string key, int fallback) => a.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string data = a["data"];
        string root = a["root"];
        var configuration = new PxeServerConfiguration
        {
            Name = "pxe-host",
            Root = root,
            DhcpMode = a.GetValueOrDefault("mode") == "dhcp" ? DhcpMode.Dhcp : DhcpMode.ProxyDhcp,
            Interfaces = [a["iface"]],
            DhcpPort = Int("dhcpPort", 67),
            PxePort = Int("pxePort", 4011),
            ClientPort = Int("clientPort", 68),
            TftpPort = Int("tftpPort", 69),
            TftpMaxSessions = Int("maxSessions", 0),
            Http = a.ContainsKey("httpPort"),
            HttpPort = Int("httpPort", 80),
            HttpMaxConnectionsPerAddress = Int("httpPerAddress", 64),
            RangeStart = a.TryGetValue("start", out var s) ? IPAddress.Parse(s) : null,
            RangeEnd = a.TryGetValue("end", out var e) ? IPAddress.Parse(e) : null,
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            LeaseDuration = TimeSpan.FromHours(1),
            BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "pxelinux.0", [ClientArchitecture.EfiX64] = "syslinux.efi" },
            DataDirectory = data,
            ConflictCheckTimeout = TimeSpan.Zero,
        };

        await using var host = new PxeHost(new PxeHostOptions { DataDirectory = data });
        var entries = host.BootEntries;
        await using var server = host.CreateServer(configuration, Console.Error.WriteLine);
        foreach (var warning in await host.StartAsync(server))
        {
            Console.Error.WriteLine("warning: " + warning);
        }

        using var stop = new CancellationTokenSource();
        Task churn = Task.CompletedTask;
        if (a.GetValueOrDefault("churn") == "1")
        {
            churn = Task.Run(() =>
            {
                for (long i = 0; !stop.IsCancellationRequested; i++)
                {
                    entries.Update("churn", entry => entry with { Arguments = "generation=" + i.ToString(CultureInfo.InvariantCulture) });
                }
            });
        }

        Console.WriteLine("READY");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "stats")
            {
                Console.WriteLine("STATS " + Stats(server));
                Console.Out.Flush();
            }
        }

        await stop.CancelAsync();
        await churn;
        await server.StopAsync();
        await host.FlushClientsAsync();
        return 0;
    }

    private static string Stats(PxeServer server)
    {
        // Counters first: a transfer counted as ended has closed its socket, so the descriptors read after them include
        // none of the transfers those counters no longer show as active.
        var statistics = server.GetStatistics();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        string status = File.ReadAllText("/proc/self/status");
        long rssKb = long.Parse(status.Split('\n').First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var descriptors = Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget ?? "?").Order(StringComparer.Ordinal).ToArray();
        // /proc/self/net/udp: this namespace's UDP sockets; the local port is the hex after the colon of column 2, drops the last column.
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in File.ReadAllLines("/proc/self/net/udp").Skip(1))
        {
            var columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string port = int.Parse(columns[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            drops[port] = drops.GetValueOrDefault(port) + long.Parse(columns[^1], CultureInfo.InvariantCulture);
        }

        return JsonSerializer.Serialize(new { statistics.Dhcp, statistics.Tftp, statistics.Http, ManagedBytes = managed, RssBytes = rssKb * 1024, Descriptors = descriptors, Drops = drops });
    }
}
