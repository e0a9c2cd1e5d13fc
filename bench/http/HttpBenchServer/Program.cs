using System.Net;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;

// Serves a directory over HTTP until killed: HttpBenchServer ROOT PORT [zerocopy|copy]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: HttpBenchServer ROOT PORT [zerocopy|copy]");
    return 2;
}

var options = new HttpBootServerOptions { Address = IPAddress.Loopback, Port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), MaxConnections = 10000 };
await using var server = new HttpBootServer("bench", options, new BootNamespace(args[0]));
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
