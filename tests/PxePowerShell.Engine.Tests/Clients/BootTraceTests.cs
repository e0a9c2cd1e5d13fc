using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

/// <summary>How a client's steps split into boots, and where each boot stopped.</summary>
public sealed class BootTraceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static BootTraceStep Discover(double at, uint xid, string? userClass = null, string? arch = "Bios", PxeEventKind kind = PxeEventKind.ProxyOffer) => new()
    {
        Time = T0.AddSeconds(at), Kind = kind, Protocol = PxeProtocol.ProxyDhcp, MessageType = DhcpMessageType.Discover,
        TransactionId = xid, UserClass = userClass, Architecture = arch, BootFile = "pxelinux.0",
    };

    private static BootTraceStep Transfer(double at, string path, PxeEventKind kind = PxeEventKind.TransferCompleted, string? error = null) => new()
    {
        Time = T0.AddSeconds(at), Kind = kind, Protocol = PxeProtocol.Tftp, Path = path, Bytes = 1 << 20, Duration = TimeSpan.FromSeconds(0.5),
        BlockSize = 1456, WindowSize = 8, Retransmits = 3, Error = error,
    };

    [Fact]
    public void Firmware_then_iPXE_then_the_booted_systems_own_DHCP_is_one_boot_and_the_next_firmware_DISCOVER_starts_another()
    {
        var steps = new List<BootTraceStep>
        {
            Discover(0, 1), Discover(1, 1), // the firmware retries its DISCOVER (same xid)
            Transfer(2, "undionly.kpxe"),
            Discover(3, 2, userClass: "iPXE"), // iPXE continues this boot
            Transfer(4, "boot.ipxe"), Transfer(9, "vmlinuz"),
            Discover(12, 3, arch: null, kind: PxeEventKind.Ignored), // the kernel's DHCP client: no PXE architecture
            Discover(60, 4), // the machine reboots into the firmware again
            Transfer(61, "undionly.kpxe", PxeEventKind.TransferFailed, "client timed out"),
        };

        var boots = BootTrace.Split("52-54-00-00-00-01", steps);
        Assert.Equal(2, boots.Count);
        Assert.Equal(7, boots[0].Steps.Count);
        Assert.Equal(["undionly.kpxe", "boot.ipxe", "vmlinuz"], boots[0].FilesLoaded);
        Assert.Equal(BootTraceOutcome.Loaded, boots[0].Outcome);
        Assert.StartsWith("TransferCompleted tftp vmlinuz 1.0 MiB in 0.5 s (2.0 MiB/s, blksize 1456, window 8, 3 retransmits)", boots[0].StoppedAt, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(12), boots[0].Duration);
        Assert.Equal("Bios", boots[0].Architecture);
        Assert.Equal(BootTraceOutcome.Failed, boots[1].Outcome);
        Assert.EndsWith(": client timed out", boots[1].StoppedAt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_machine_whose_NIC_ROM_is_iPXE_starts_a_new_boot_at_each_power_on()
    {
        var boots = BootTrace.Split(null, [
            Discover(0, 1, userClass: "iPXE"), Transfer(1, "boot.ipxe"), Transfer(2, "vmlinuz"),
            Discover(30, 2, userClass: "iPXE"), Transfer(31, "boot.ipxe"),
        ]);
        Assert.Equal([3, 2], boots.Select(b => b.Steps.Count));
    }

    [Fact]
    public void Silence_longer_than_the_gap_splits_even_without_a_transfer()
    {
        var boots = BootTrace.Split(null, [Discover(0, 1), Discover(400, 2)]);
        Assert.Equal(2, boots.Count);
        Assert.Single(BootTrace.Split(null, [Discover(0, 1), Discover(100, 2)]));
    }

    [Fact]
    public void A_boot_that_only_spoke_DHCP_names_the_server_whose_offer_the_client_took()
    {
        var request = new BootTraceStep
        {
            Time = T0.AddSeconds(1), Kind = PxeEventKind.Ignored, Protocol = PxeProtocol.ProxyDhcp, MessageType = DhcpMessageType.Request,
            ServerIdentifier = IPAddress.Parse("10.9.0.1"), IPAddress = IPAddress.Parse("10.9.0.77"), Reason = "REQUEST is for server 10.9.0.1",
        };
        var boot = BootTrace.Split("52-54-00-00-00-01", [Discover(0, 1), request]).Single();
        Assert.Equal(BootTraceOutcome.DhcpOnly, boot.Outcome);
        Assert.Equal([IPAddress.Parse("10.9.0.1")], boot.AnsweredBy);
        Assert.Equal("ProxyOffer boot=pxelinux.0 (the client never asked the module for a file)", boot.StoppedAt);
        Assert.Equal("Ignored REQUEST (client chose server 10.9.0.1, address 10.9.0.77): REQUEST is for server 10.9.0.1", request.Describe());
        string timeline = boot.ToString();
        Assert.Contains("52-54-00-00-00-01  Bios  started ", timeline, StringComparison.Ordinal);
        Assert.Contains("+   1.000  Ignored REQUEST", timeline, StringComparison.Ordinal);
        Assert.EndsWith("stopped at: " + boot.StoppedAt, timeline, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transfer_that_started_and_never_ended_is_Transferring_and_a_refusal_at_the_end_is_Failed()
    {
        Assert.Equal(BootTraceOutcome.Transferring, BootTrace.Split(null, [Discover(0, 1), Transfer(1, "big.iso", PxeEventKind.TransferStarted)]).Single().Outcome);
        var refused = BootTrace.Split(null, [Discover(0, 1), Transfer(1, "pxelinux.0"), Transfer(2, "ldlinux.c32", PxeEventKind.RequestRefused, "file not found") with { Bytes = null, Duration = null, BlockSize = null, WindowSize = null, Retransmits = null }]).Single();
        Assert.Equal(BootTraceOutcome.Failed, refused.Outcome);
        Assert.Equal("RequestRefused tftp ldlinux.c32: file not found", refused.StoppedAt);
    }
}
