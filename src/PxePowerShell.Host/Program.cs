using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;

// pxeps [-Command '<script>' | -File script.ps1] [-Module path/to/PxePowerShell.psd1]
// Without -Command or -File: runs Start-PxeServer on the sample root (out/sample-root) until Ctrl+C or SIGTERM:
// proxyDHCP, TFTP (69 as root, else 6969) and HTTP (8080).
string? command = null;
string? file = null;
string? module = Environment.GetEnvironmentVariable("PXEPS_MODULE");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i].ToLowerInvariant())
    {
        case "-command" or "-c" when i + 1 < args.Length:
            command = args[++i];
            break;
        case "-file" or "-f" when i + 1 < args.Length:
            file = args[++i];
            break;
        case "-module" when i + 1 < args.Length:
            module = args[++i];
            break;
        case "-help" or "--help" or "-h" or "-?":
            Console.WriteLine("usage: pxeps [-Command '<PowerShell>'] [-File script.ps1] [-Module PxePowerShell.psd1]");
            Console.WriteLine("       without -Command/-File: run Start-PxeServer on the sample root until Ctrl+C");
            return 0;
        default:
            Console.Error.WriteLine($"pxeps: unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

module ??= FindModule();
if (module is null)
{
    Console.Error.WriteLine("pxeps: the built module was not found; run 'dotnet build PxePowerShell.sln' first or set PXEPS_MODULE.");
    return 2;
}

if (command is null && file is null)
{
    // The embedded default: the whole server (proxyDHCP + TFTP + HTTP) over the sample root. As root it uses the real
    // ports (67/4011, 69) so PXE clients on the network can boot the sample iPXE menu; otherwise unprivileged ones.
    string sampleRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(module)!, "..", "sample-root"));
    bool root = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess; // effective uid 0
    string ports = root ? "-TftpPort 69 -HttpPort 8080" : "-Port 6767 -ClientPort 6868 -TftpPort 6969 -HttpPort 8080";
    command = $"Start-PxeServer -Root '{sampleRoot.Replace("'", "''", StringComparison.Ordinal)}' {ports} -Http -IpxeScript boot.ipxe -Name sample -Wait";
    Console.WriteLine($"PxePowerShell: serving {sampleRoot} with proxyDHCP, TFTP and HTTP (Ctrl+C stops).");
    Console.WriteLine(root
        ? "  PXE clients on this network boot the sample iPXE menu; try: curl tftp://127.0.0.1/hello.txt or curl http://127.0.0.1:8080/boot.ipxe"
        : "  Not root, so unprivileged ports: try curl tftp://127.0.0.1:6969/hello.txt or curl http://127.0.0.1:8080/boot.ipxe");
}

var state = InitialSessionState.CreateDefault2();
if (OperatingSystem.IsWindows())
{
    state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
}
using var runspace = RunspaceFactory.CreateRunspace(state);
runspace.Open();
using var shell = PowerShell.Create();
shell.Runspace = runspace;
shell.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop").Invoke();
shell.Commands.Clear();

bool stopRequested = false;
var stop = () =>
{
    stopRequested = true;
    if (AppContext.GetData("PxePowerShell.StopSignalsHandled") is true)
    {
        // A Start-* -Wait is running and stops itself on this signal (writing its stop events); stopping the
        // pipeline here would cut that short.
        return;
    }

    try
    {
        shell.BeginStop(null, null);
    }
    catch (ObjectDisposedException)
    {
    }
};
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop();
});

shell.AddScript(file is not null ? File.ReadAllText(file) : command!);
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]?.BaseObject?.ToString());
shell.Streams.Error.DataAdded += (_, e) =>
{
    var record = shell.Streams.Error[e.Index];
    Console.Error.WriteLine($"error [{record.FullyQualifiedErrorId}] {record.Exception.Message}");
};
shell.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine($"warning: {shell.Streams.Warning[e.Index].Message}");
shell.Streams.Verbose.DataAdded += (_, e) => Console.Error.WriteLine($"verbose: {shell.Streams.Verbose[e.Index].Message}");
try
{
    shell.Invoke(null, output);
}
catch (PipelineStoppedException)
{
    return 0;
}
catch (RuntimeException ex)
{
    Console.Error.WriteLine($"error [{ex.ErrorRecord.FullyQualifiedErrorId}] {ex.Message}");
    return 1;
}

// Ctrl+C or SIGTERM is the normal way a -Wait service ends: exit 0 so systemd does not call it a failure.
return stopRequested || !shell.HadErrors ? 0 : 1;

static string? FindModule()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "out", "PxePowerShell", "PxePowerShell.psd1");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return null;
}
