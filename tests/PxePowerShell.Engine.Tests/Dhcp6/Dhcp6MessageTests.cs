using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Engine.Tests.Dhcp6;

public sealed class Dhcp6MessageTests
{
    // A Solicit as on the wire, written out field by field (RFC 8415 sections 8, 21.2, 21.4, 21.7, 21.9; RFC 5970).
    private static readonly byte[] Solicit = Convert.FromHexString(
        "01" + "abcdef"                                     // Solicit, transaction id 0xabcdef
        + "0001" + "000a" + "00030001525400123457"           // client id: DUID-LL, Ethernet 52:54:00:12:34:57
        + "0006" + "0006" + "003b003c0017"                   // ORO: 59, 60, 23
        + "0008" + "0002" + "0000"                           // elapsed time 0
        + "003d" + "0002" + "0007"                           // client arch 7
        + "003e" + "0003" + "010300"                         // NII: UNDI 3.0
        + "0010" + "0026" + "00000157" + "0020" + "50584543" + "6c69656e743a417263683a30303030373a554e44493a303033303030" // vendor class 343 "PXEClient:Arch:00007:UNDI:003000"
        + "0003" + "000c" + "00000007" + "00000000" + "00000000"); // IA_NA, IAID 7, T1 0, T2 0

    [Fact]
    public void A_solicit_decodes_field_by_field_and_writes_back_byte_for_byte()
    {
        Assert.True(Dhcp6Message.TryParse(Solicit, out var m, out var error), error);
        Assert.Equal(Dhcp6MessageType.Solicit, m!.MessageType);
        Assert.Equal(0xabcdefu, m.TransactionId);
        var r = Dhcp6Request.From(m);
        Assert.Equal("00-03-00-01-52-54-00-12-34-57", r.Duid);
        Assert.Equal("52-54-00-12-34-57", r.MacAddress);
        Assert.Equal(ClientArchitecture.EfiBC, r.Architecture);
        Assert.Equal("PXEClient:Arch:00007:UNDI:003000", r.VendorClass);
        Assert.Equal("UNDI 3.0", r.NetworkInterfaceId);
        Assert.True(r.IsPxeClient);
        Assert.True(r.IsBootClient);
        Assert.Equal([59, 60, 23], r.RequestedOptions);
        Assert.Equal(7u, Assert.Single(r.IaNa).Iaid);
        Assert.Equal(Solicit, m.ToArray());
    }

    [Fact]
    public void Ovmf_pxev6_solicits_captured_on_the_wire_decode_and_write_back_byte_for_byte()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap");
        Assert.Equal(4, payloads.Count);
        foreach (var payload in payloads)
        {
            Assert.True(Dhcp6Message.TryParse(payload, out var m, out var error), error);
            Assert.Equal(Dhcp6MessageType.Solicit, m!.MessageType);
            Assert.Equal(0x3d0d47u, m.TransactionId);
            var r = Dhcp6Request.From(m);
            Assert.Equal("00-01-00-01-31-e8-48-1e-52-54-00-12-34-60", r.Duid); // DUID-LLT
            Assert.Equal("52-54-00-12-34-60", r.MacAddress);
            Assert.Equal(ClientArchitecture.EfiBC, r.Architecture);
            Assert.Equal("PXEClient:Arch:00007:UNDI:003000", r.VendorClass);
            Assert.Equal("UNDI 3.0", r.NetworkInterfaceId);
            Assert.Equal([59, 60, 23, 16], r.RequestedOptions);
            var ia = Assert.Single(r.IaNa);
            Assert.Equal((0x5f0d7fffu, uint.MaxValue, uint.MaxValue), (ia.Iaid, ia.T1, ia.T2));
            Assert.Empty(ia.Addresses);
            Assert.False(r.RapidCommit);
            Assert.Equal(payload, m.ToArray());
        }

        Assert.True(Dhcp6Message.TryParse(payloads[1], out var second, out _));
        Assert.True(second!.TryGet(Dhcp6OptionCode.ElapsedTime, out var elapsed));
        Assert.True(Dhcp6OptionValues.TryDecodeUInt16(elapsed.Span, out ushort hundredths));
        Assert.Equal(900, hundredths); // 9 s after the first Solicit
    }

    [Fact]
    public void Every_option_round_trips_through_its_encoder()
    {
        var ia = new Dhcp6IaNa
        {
            Iaid = 9,
            T1 = 1800,
            T2 = 2880,
            Addresses = [new Dhcp6IaAddress(IPAddress.Parse("fd00:77::100"), 3600, 7200)],
            Status = Dhcp6StatusCode.Success,
            StatusMessage = "ok",
        };
        var m = new Dhcp6Message
        {
            MessageType = Dhcp6MessageType.Reply,
            TransactionId = 0x010203,
            Options =
            [
                new(Dhcp6OptionCode.ServerId, Dhcp6TestPackets.ServerDuid),
                new(Dhcp6OptionCode.IaNa, ia.Encode()),
                new(Dhcp6OptionCode.BootFileUrl, "tftp://[fd00:77::1]/ipxe.efi"u8.ToArray()),
                new(Dhcp6OptionCode.BootFileParameters, Dhcp6OptionValues.EncodeStrings(["console=ttyS0", "quiet"])),
                new(Dhcp6OptionCode.UserClass, Dhcp6OptionValues.EncodeStrings(["iPXE"])),
                new(Dhcp6OptionCode.StatusCode, Dhcp6OptionValues.EncodeStatus(Dhcp6StatusCode.NoAddrsAvail, "none")),
                new(Dhcp6OptionCode.Preference, new byte[] { 255 }),
                new(Dhcp6OptionCode.RapidCommit, ReadOnlyMemory<byte>.Empty),
            ],
        };

        Assert.True(Dhcp6Message.TryParse(m.ToArray(), out var back, out var error), error);
        Assert.Equal(0x010203u, back!.TransactionId);
        Assert.Equal(ia, Dhcp6TestPackets.Ia(back)! with { Addresses = ia.Addresses });
        Assert.Equal(ia.Addresses, Dhcp6TestPackets.Ia(back)!.Addresses);
        Assert.Equal("tftp://[fd00:77::1]/ipxe.efi", Dhcp6TestPackets.Url(back));
        Assert.True(back.TryGet(Dhcp6OptionCode.BootFileParameters, out var p));
        Assert.True(Dhcp6OptionValues.TryDecodeStrings(p.Span, out var parameters));
        Assert.Equal(["console=ttyS0", "quiet"], parameters);
        Assert.True(back.TryGet(Dhcp6OptionCode.StatusCode, out var s));
        Assert.True(Dhcp6OptionValues.TryDecodeStatus(s.Span, out var code, out var text));
        Assert.Equal((Dhcp6StatusCode.NoAddrsAvail, "none"), (code, text));
        Assert.True(back.Contains(Dhcp6OptionCode.RapidCommit));
        Assert.Equal(m.ToArray(), back.ToArray());
    }

    [Fact]
    public void A_relay_forward_carries_the_client_message_and_writes_back()
    {
        var inner = Dhcp6TestPackets.Pxe(Dhcp6MessageType.Solicit, 5).ToArray();
        var relay = new Dhcp6Message
        {
            MessageType = Dhcp6MessageType.RelayForward,
            HopCount = 1,
            LinkAddress = IPAddress.Parse("2001:db8:1::1"),
            PeerAddress = IPAddress.Parse("fe80::5054:ff:fe00:5"),
            Options = [new(Dhcp6OptionCode.InterfaceId, "eth1"u8.ToArray()), new(Dhcp6OptionCode.RelayMessage, inner)],
        };

        Assert.True(Dhcp6Message.TryParse(relay.ToArray(), out var back, out var error), error);
        Assert.Equal(Dhcp6MessageType.RelayForward, back!.MessageType);
        Assert.Equal(1, back.HopCount);
        Assert.Equal(IPAddress.Parse("2001:db8:1::1"), back.LinkAddress);
        Assert.Equal(IPAddress.Parse("fe80::5054:ff:fe00:5"), back.PeerAddress);
        Assert.Equal(Dhcp6MessageType.Solicit, back.RelayedMessage!.MessageType);
        Assert.Equal(relay.ToArray(), back.ToArray());
    }

    [Theory]
    [InlineData("", "at least 4 bytes")]
    [InlineData("0100", "at least 4 bytes")]
    [InlineData("00000000", "unknown DHCPv6 message type 0")]
    [InlineData("ff000000", "unknown DHCPv6 message type 255")]
    [InlineData("0c00", "at least 4 bytes")]
    [InlineData("0c000000", "34-byte header")]
    [InlineData("0100000100", "cut short")]
    [InlineData("01000001000100ff00", "claims 255 bytes")]
    public void Malformed_messages_are_parse_failures_with_a_reason(string hex, string reason)
    {
        Assert.False(Dhcp6Message.TryParse(Convert.FromHexString(hex), out var m, out var error));
        Assert.Null(m);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Relays_nested_past_the_hop_limit_are_refused()
    {
        byte[] message = Dhcp6TestPackets.Pxe(Dhcp6MessageType.Solicit, 1).ToArray();
        for (int i = 0; i <= Dhcp6Message.MaxRelayDepth; i++)
        {
            message = new Dhcp6Message { MessageType = Dhcp6MessageType.RelayForward, Options = [new(Dhcp6OptionCode.RelayMessage, message)] }.ToArray();
        }

        Assert.False(Dhcp6Message.TryParse(message, out _, out var error));
        Assert.Contains("nested deeper", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fuzz_a_datagram_larger_than_the_codec_writes_is_refused()
    {
        // What AFL++ found (fuzz run of 2 Dec 2026, six inputs of 21-28 KB): a well-formed Rebind or Request with
        // options filling 20 KB parsed, and the parsed message could not be written within MaxMessageSize.
        var options = new List<Dhcp6Option> { new(Dhcp6OptionCode.ClientId, Dhcp6TestPackets.ClientDuid(1)) };
        for (int i = 0; i < 10; i++)
        {
            options.Add(new(Dhcp6OptionCode.VendorOptions, new byte[2100]));
        }

        byte[] big = new Dhcp6Message { MessageType = Dhcp6MessageType.Rebind, TransactionId = 7, Options = options }.ToArray();
        Assert.True(big.Length > Dhcp6Message.MaxMessageSize);
        Assert.False(Dhcp6Message.TryParse(big, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains($"at most {Dhcp6Message.MaxMessageSize} bytes", error, StringComparison.Ordinal);
        Assert.True(Dhcp6Message.TryParse(big.AsSpan(0, 4 + 14), out _, out _)); // the same message cut to its client id parses
    }

    [Fact]
    public void Every_truncation_and_every_single_byte_change_of_a_solicit_parses_or_fails_without_throwing()
    {
        for (int n = 0; n <= Solicit.Length; n++)
        {
            if (Dhcp6Message.TryParse(Solicit.AsSpan(0, n), out var m, out _))
            {
                _ = Dhcp6Request.From(m!);
            }
        }

        var copy = (byte[])Solicit.Clone();
        for (int i = 0; i < copy.Length; i++)
        {
            foreach (byte b in new byte[] { 0, 1, 0x7f, 0xff })
            {
                byte saved = copy[i];
                copy[i] = b;
                if (Dhcp6Message.TryParse(copy, out var m, out _))
                {
                    var r = Dhcp6Request.From(m!);
                    Assert.NotNull(r.Duid);
                }

                copy[i] = saved;
            }
        }
    }

    [Fact]
    public void Malformed_option_values_decode_to_false()
    {
        Assert.False(Dhcp6IaNa.TryDecode(new byte[11], out _));
        Assert.False(Dhcp6IaNa.TryDecode(Convert.FromHexString("000000070000000000000000000500040000"), out _));
        Assert.False(Dhcp6OptionValues.TryDecodeStrings(Convert.FromHexString("0005414243"), out _));
        Assert.False(Dhcp6OptionValues.TryDecodeUInt16List(new byte[3], out _));
        Assert.False(Dhcp6OptionValues.TryDecodeVendorClass(new byte[3], out _, out _));
        Assert.False(Dhcp6OptionValues.TryDecodeStatus(new byte[1], out _, out _));
        Assert.False(Dhcp6OptionValues.TryDecodeNetworkInterface(new byte[2], out _, out _, out _));
        Assert.Null(Dhcp6Duid.MacAddressOf(Convert.FromHexString("0002000000090102")));
        Assert.Equal("52-54-00-12-34-56", Dhcp6Duid.MacAddressOf(Convert.FromHexString("0001000100000000525400123456")));
    }
}
