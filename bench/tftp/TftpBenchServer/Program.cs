using System.Net;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;

// Usage: TftpBenchServer ROOT PORT [MAX_SESSIONS]
// Serves ROOT over TFTP on 127.0.0.1:PORT until killed; prints "pid PID port PORT" once listening.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TftpBenchServer ROOT PORT [MAX_SESSIONS]");
    return 2;
}

var options = new TftpServerOptions
{
    Address = IPAddress.Loopback,
    Port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
    MaxSessions = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2000,
};
await using var server = new TftpServer("bench", options, new BootNamespace(args[0]));
await server.StartAsync();
Console.WriteLine($"pid {Environment.ProcessId} port {server.EndPoints[0].Port}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true; // stop here and report, instead of the runtime's default exit
    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

Console.Error.WriteLine(server.Statistics);
return 0;
