using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Diagnostics;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Boots a simulated PXE client against the network's servers: DISCOVER, proxy offer, REQUEST to port 4011,
/// boot file and menu by TFTP (or HTTP), and reports each step. A failed test is a result, not an error.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PxeServer")]
[OutputType(typeof(PxeTestResult), typeof(PxeTestStep), typeof(bool))]
public sealed class TestPxeServerCommand : PxeCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The interface to send from.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string? Interface { get; set; }

    /// <summary>The local address to send from.</summary>
    [Parameter]
    public IPAddress? Address { get; set; }

    /// <summary>The DHCP/proxyDHCP server to ask; without it the DISCOVER is broadcast.</summary>
    [Parameter(Position = 0)]
    [Alias("ComputerName", "ServerAddress")]
    [ServerAddressTransformation]
    public IPAddress? Server { get; set; }

    /// <summary>The server's DHCP port.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 67;

    /// <summary>The boot server port for the PXE REQUEST.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int PxePort { get; set; } = 4011;

    /// <summary>The client port the simulator listens on.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ClientPort { get; set; } = 68;

    /// <summary>The TFTP server port.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int TftpPort { get; set; } = 69;

    /// <summary>The simulated client's MAC address; default a random locally administered one (02-…).</summary>
    [Parameter]
    [Alias("ClientId")]
    public string? MacAddress { get; set; }

    /// <summary>The simulated architecture (Bios, EfiX64, EfiArm64, EfiX64Http, …).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string Architecture { get; set; } = nameof(ClientArchitecture.Bios);

    /// <summary>The simulated machine UUID; default a random one.</summary>
    [Parameter]
    public Guid Uuid { get; set; }

    /// <summary>The vendor class to send instead of PXEClient:Arch:0000N:UNDI:002001.</summary>
    [Parameter]
    public string? VendorClass { get; set; }

    /// <summary>Present as iPXE (user class "iPXE").</summary>
    [Parameter]
    public SwitchParameter Ipxe { get; set; }

    /// <summary>How long each step waits for an answer.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Stop after the DHCP steps: do not download the boot file.</summary>
    [Parameter]
    public SwitchParameter NoDownload { get; set; }

    /// <summary>The most bytes downloaded per file.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxDownloadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Also write each step as an object after the result.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Write only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        RequireInterface(nameof(Interface), Interface);
        RequireTimeSpan(nameof(Timeout), Timeout, TimeSpan.Zero, TimeSpan.FromHours(1), example: "00:00:04");
        MacAddress mac;
        if (MacAddress is null)
        {
            Span<byte> bytes = stackalloc byte[6];
            Random.Shared.NextBytes(bytes);
            bytes[0] = 0x02;
            mac = Engine.Net.MacAddress.FromBytes(bytes);
        }
        else if (!Engine.Net.MacAddress.TryParse(MacAddress, out mac))
        {
            WriteError(Error(ErrorIds.InvalidMacAddress, ErrorCategory.InvalidArgument, MacAddress,
                $"'{MacAddress}' is not a MAC address; give six hex bytes such as 02-00-5e-10-00-01 (any common notation)."));
            return;
        }

        if (!Enum.TryParse<ClientArchitecture>(Architecture, ignoreCase: true, out var architecture)
            || !Enum.IsDefined(architecture))
        {
            WriteError(Error(ErrorIds.UnknownArchitecture, ErrorCategory.InvalidArgument, Architecture,
                $"'{Architecture}' is not a client architecture; use one of {string.Join(", ", Enum.GetNames<ClientArchitecture>())}."));
            return;
        }

        var options = new PxeClientSimulatorOptions
        {
            Interface = Interface,
            Address = Address,
            ServerAddress = Server,
            ServerPort = Port,
            PxePort = PxePort,
            ClientPort = ClientPort,
            TftpPort = TftpPort,
            MacAddress = mac,
            Architecture = architecture,
            Uuid = Uuid == Guid.Empty ? Guid.NewGuid() : Uuid,
            VendorClass = VendorClass,
            IsIpxe = Ipxe,
            Timeout = Timeout,
            DownloadBootFile = !NoDownload,
            MaxDownloadBytes = MaxDownloadBytes,
        };

        WriteVerbose($"Simulating a {architecture} PXE client {mac} ({options.EffectiveVendorClass}) against {(Server?.ToString() ?? "broadcast")}:{Port}.");
        using var queue = new BlockingCollection<PxeTestProgress>();
        var progress = new QueueProgress(queue);
        var run = Task.Run(async () =>
        {
            try
            {
                return await new PxeClientSimulator(options).RunAsync(progress, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        var record = new ProgressRecord(1, $"Test-PxeServer {mac}", "starting");
        try
        {
            foreach (var item in queue.GetConsumingEnumerable(_stopping.Token))
            {
                record.StatusDescription = item.Status;
                record.CurrentOperation = item.Bytes > 0 ? $"{item.Step}: {item.Bytes:N0} bytes" : item.Step;
                record.PercentComplete = item.TotalBytes is > 0 and var total ? (int)Math.Min(100, item.Bytes * 100 / total) : -1;
                WriteProgress(record);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        PxeTestResult result;
        try
        {
            result = run.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }

        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);
        foreach (var step in result.Steps)
        {
            WriteVerbose($"{step.Step}: {(step.Success ? "ok" : "FAILED")} in {step.Duration.TotalMilliseconds:F0} ms: {step.Detail ?? step.Error}");
        }

        if (Quiet)
        {
            WriteObject(result.Success);
            return;
        }

        WriteObject(result);
        if (Detailed)
        {
            foreach (var step in result.Steps)
            {
                WriteObject(step);
            }
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class QueueProgress(BlockingCollection<PxeTestProgress> queue) : IProgress<PxeTestProgress>
    {
        public void Report(PxeTestProgress value)
        {
            try
            {
                queue.TryAdd(value);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // the cmdlet stopped reading
            }
        }
    }
}
