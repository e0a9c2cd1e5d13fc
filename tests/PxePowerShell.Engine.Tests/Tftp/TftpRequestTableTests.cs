using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>The table of live transfers by client end point: repeated requests held, served only after a size probe's ERROR.</summary>
public sealed class TftpRequestTableTests : IDisposable
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 2070);
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingSink _sink = new();
    private readonly TftpRequestTable<object> _table;
    private readonly object _owner = new();
    private readonly TftpReadTransfer _transfer;
    private readonly byte[] _probe = Request("pxelinux.0", new TftpOption("tsize", "0"));

    public TftpRequestTableTests()
    {
        _table = new TftpRequestTable<object>(_time);
        // A tsize request: the transfer answers with an OACK and waits for ACK 0, as for a PXE ROM's size probe.
        _transfer = Started(5000, new TftpNegotiatedOptions(512, 1, TimeSpan.FromSeconds(2), 5000, [new TftpOption("tsize", "5000")]), 3);
    }

    private static byte[] Request(string file, params TftpOption[] options)
    {
        var buffer = new byte[512];
        int n = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, file, "octet", options);
        return buffer[..n];
    }

    /// <summary>A read transfer of a synthetic file of <paramref name="size"/> bytes, started (its first packet sent to the sink).</summary>
    private TftpReadTransfer Started(int size, TftpNegotiatedOptions negotiated, int maxRetries)
    {
        var transfer = new TftpReadTransfer(new SyntheticFile(size), TftpMode.Octet, negotiated, maxRetries, _time);
        transfer.Start(_sink);
        return transfer;
    }

    private TftpRequestVerdict Admit(byte[] request, IPEndPoint? client = null) =>
        _table.Admit(client ?? Client, request, default(IPPacketInformation), out _);

    [Fact]
    public void A_request_from_an_end_point_without_a_transfer_is_new()
    {
        Assert.Equal(TftpRequestVerdict.New, Admit(_probe));
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.New, Admit(_probe, new IPEndPoint(Client.Address, Client.Port + 1)));
        Assert.Equal(TftpRequestVerdict.New, Admit(_probe, new IPEndPoint(IPAddress.Parse("192.0.2.11"), Client.Port)));
        Assert.Equal(1, _table.Count);
    }

    [Fact]
    public void The_same_request_while_the_transfer_runs_is_repeated_and_served_after_the_clients_error()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        _transfer.Receive(RecordingSink.Error(TftpErrorCode.OptionRefused, "tsize probe"), _sink);

        var held = _table.Remove(Client, _owner);

        Assert.NotNull(held);
        Assert.Equal(_probe, held.Datagram);
        Assert.Equal(0, _table.Count);
    }

    [Fact]
    public void A_held_request_is_dropped_when_the_transfer_moved_on_before_the_error()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe)); // a duplicate from the network
        _transfer.Receive(RecordingSink.Ack(0), _sink);            // the client took the OACK
        _transfer.Receive(RecordingSink.Error(TftpErrorCode.NotDefined, "user abort"), _sink);

        Assert.Null(_table.Remove(Client, _owner));
    }

    [Fact]
    public void A_held_request_older_than_the_transfers_timeout_is_dropped()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _time.Advance(TimeSpan.FromSeconds(2.5)); // the transfer's timeout is 2 s
        _transfer.Receive(RecordingSink.Error(TftpErrorCode.OptionRefused, string.Empty), _sink);

        Assert.Null(_table.Remove(Client, _owner));
    }

    [Fact]
    public void A_repeat_refreshes_the_hold()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _time.Advance(TimeSpan.FromSeconds(1.5)); // 3 s after the first copy, 1.5 s after the second
        _transfer.Receive(RecordingSink.Error(TftpErrorCode.OptionRefused, string.Empty), _sink);

        Assert.NotNull(_table.Remove(Client, _owner));
    }

    [Fact]
    public void A_held_request_is_dropped_when_the_transfer_ends_by_timing_out_or_by_the_server()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _transfer.Abort("server stopping", _sink);
        Assert.Null(_table.Remove(Client, _owner));

        using var other = Started(100, new TftpNegotiatedOptions(512, 1, TimeSpan.FromSeconds(1), null, []), 0);
        _table.Add(Client, _probe, _owner, other);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(_probe));
        _time.Advance(TimeSpan.FromSeconds(1));
        other.CheckTimeout(_sink);
        Assert.Equal(TftpTransferState.Failed, other.State);
        Assert.Null(_table.Remove(Client, _owner));
    }

    [Fact]
    public void A_repeat_read_before_the_final_ack_is_served_when_that_ack_completes_the_transfer()
    {
        // A client that asks for the same file again from the same port as soon as it has it (the final ACK and the new
        // request cross): a one-block file, DATA 1 sent, the new request read first, then ACK 1.
        using var small = Started(100, TftpNegotiatedOptions.Defaults(TimeSpan.FromSeconds(1)), 3);
        var request = Request("small.bin");
        _table.Add(Client, request, _owner, small);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(request));
        small.Receive(RecordingSink.Ack(1), _sink);
        Assert.Equal(TftpTransferState.Completed, small.State);

        Assert.NotNull(_table.Remove(Client, _owner));
    }

    [Fact]
    public void A_repeat_read_early_in_a_transfer_that_then_completes_is_dropped()
    {
        using var file = Started(1500, TftpNegotiatedOptions.Defaults(TimeSpan.FromSeconds(1)), 3);
        var request = Request("three-blocks.bin");
        _table.Add(Client, request, _owner, file);
        Assert.Equal(TftpRequestVerdict.Repeated, Admit(request)); // the network's copy, after DATA 1
        for (ushort block = 1; block <= 3; block++)
        {
            file.Receive(RecordingSink.Ack(block), _sink);
        }

        Assert.Equal(TftpTransferState.Completed, file.State);
        Assert.Null(_table.Remove(Client, _owner));
    }

    [Fact]
    public void Without_a_repeat_the_transfers_end_serves_nothing()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        _transfer.Receive(RecordingSink.Error(TftpErrorCode.OptionRefused, string.Empty), _sink);
        Assert.Null(_table.Remove(Client, _owner));
        Assert.Equal(0, _table.Count);
    }

    [Fact]
    public void A_different_request_from_the_end_point_replaces_the_transfer()
    {
        _table.Add(Client, _probe, _owner, _transfer);
        var options = Request("pxelinux.0", new TftpOption("tsize", "0"), new TftpOption("blksize", "1432"));

        Assert.Equal(TftpRequestVerdict.Replaces, _table.Admit(Client, options, default, out var abandoned));
        Assert.Same(_owner, abandoned);
        Assert.Equal(TftpRequestVerdict.New, Admit(_probe)); // the old request no longer counts as a repeat

        var successor = new object();
        _table.Add(Client, options, successor, _transfer);
        Assert.Null(_table.Remove(Client, _owner)); // the abandoned transfer's end leaves its successor alone
        Assert.Equal(1, _table.Count);
        Assert.Equal(TftpRequestVerdict.Replaces, Admit(Request("other.bin")));
    }

    public void Dispose() => _transfer.Dispose();
}
