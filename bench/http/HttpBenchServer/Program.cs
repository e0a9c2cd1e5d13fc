using System.Net;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;

// Serves a directory over HTTP until killed: HttpBenchServer ROOT PORT [zerocopy|copy] [IMAGE.iso MOUNTPOINT]
// With an image, it is mounted at MOUNTPOINT (as Mount-PxeIso does) and the time the mount took is printed.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: HttpBenchServer ROOT PORT [zerocopy|copy]");
    return 2;
}

var options = new HttpBootServerOptions { Address = IPAddress.Loopback, Port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), MaxConnections = 10000, MaxConnectionsPerAddress = 0 };
var boot = new BootNamespace(args[0]);
using var mounts = new PxePowerShell.Engine.Iso.IsoMountTable(null);
if (args.Length > 4)
{
    mounts.Attach(boot);
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var mount = mounts.Mount(args[3], args[4]);
    Console.WriteLine($"mounted {mount.Path} ({mount.FileSystem}, {mount.Size} bytes) in {watch.Elapsed.TotalMilliseconds:0.0} ms");
}

await using var server = new HttpBootServer("bench", options, boot);
if (args.Length > 2)
{
    server.BodySendMode = args[2] == "zerocopy" ? HttpBodySendMode.ZeroCopy : HttpBodySendMode.Copy;
}

await server.StartAsync();
Console.WriteLine($"listening {server.BaseUri} mode={server.BodySendMode}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
Console.WriteLine(server.Statistics);
return 0;
