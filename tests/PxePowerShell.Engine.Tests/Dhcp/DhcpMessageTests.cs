using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class DhcpMessageTests
{
    [Fact]
    public void Decodes_the_SeaBIOS_iPXE_discover()
    {
        var d = PcapReader.ReadUdp("bios-dhcp-proxy-exchange.pcap").First(x => x.Destination.Port == 67);
        Assert.True(DhcpMessage.TryParse(d.Payload, out var m, out var error), error);
        var r = PxeRequest.From(m!);
        Assert.Equal(DhcpMessageType.Discover, r.MessageType);
        Assert.Equal("52-54-00-12-34-56", r.MacAddress);
        Assert.Equal(0xfbe60c0eu, r.TransactionId);
        Assert.Equal(ClientArchitecture.Bios, r.Architecture);
        Assert.Equal("PXEClient:Arch:00000:UNDI:002001", r.VendorClass);
        Assert.True(r.IsPxeClient);
        Assert.False(r.IsHttpClient);
        Assert.True(r.IsIpxe);
        Assert.Equal("iPXE", r.UserClass);
        Assert.Equal("UNDI 2.1", r.NetworkInterfaceId);
        Assert.Equal(Guid.Empty, r.Uuid);
        Assert.Equal((ushort)1472, r.MaxMessageSize);
        Assert.Contains((byte)43, r.RequestedOptions);
        Assert.Contains((byte)175, r.RequestedOptions);
        Assert.True(m!.Options.Contains(DhcpOptionCode.IpxeEncapsulated));
    }

    [Fact]
    public void Decodes_the_OVMF_discover_and_its_4011_request()
    {
        var all = PcapReader.ReadUdp("uefi-dhcp-proxy-exchange.pcap");
        var native = all.Select(x => DhcpMessage.Parse(x.Payload)!).First(m => m.Op == 1 && m.Options.GetString(DhcpOptionCode.VendorClassIdentifier) == "PXEClient:Arch:00007:UNDI:003001");
        var r = PxeRequest.From(native);
        Assert.Equal(ClientArchitecture.EfiBC, r.Architecture);
        Assert.Equal(ClientArchitecture.EfiX64, ClientArchitectures.Normalize(r.Architecture!.Value));
        Assert.False(r.IsIpxe);
        Assert.Equal("52-54-00-12-34-57", r.MacAddress);

        var boot = all.First(x => x.Destination.Port == 4011);
        var req = PxeRequest.From(DhcpMessage.Parse(boot.Payload)!);
        Assert.Equal(DhcpMessageType.Request, req.MessageType);
        Assert.Equal(IPAddress.Parse("10.77.0.112"), req.ClientAddress);
        Assert.Equal(IPAddress.Parse("10.77.0.2"), req.ServerIdentifier);
    }

    [Fact]
    public void Decodes_the_boot_item_of_a_4011_request()
    {
        var boot = PcapReader.ReadUdp("bios-dhcp-proxy-exchange.pcap").First(x => x.Destination.Port == 4011);
        var r = PxeRequest.From(DhcpMessage.Parse(boot.Payload)!);
        Assert.Equal(new PxeBootItem(0x8000, 0), r.BootItem);
        Assert.Equal(ClientArchitecture.Bios, r.Architecture);
    }

    [Fact]
    public void Every_captured_datagram_round_trips()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(PcapReader.TestDataDirectory, "pcap"), "*.pcap"))
        {
            foreach (var d in PcapReader.ReadUdpFile(file).Where(x => x.Destination.Port is 67 or 68 or 4011))
            {
                Assert.True(DhcpMessage.TryParse(d.Payload, out var m, out var error), $"{file} #{d.Index}: {error}");
                var again = DhcpMessage.Parse(m!.ToArray(1500, allowOverload: false));
                Assert.NotNull(again);
                Assert.Equal(m.TransactionId, again!.TransactionId);
                Assert.Equal(m.BootFileName, again.BootFileName);
                Assert.Equal(m.ServerName, again.ServerName);
                Assert.Equal(m.Options.Codes, again.Options.Codes);
                foreach (var code in m.Options.Codes)
                {
                    m.Options.TryGet(code, out var a);
                    again.Options.TryGet(code, out var b);
                    Assert.True(a.Span.SequenceEqual(b.Span));
                }
            }
        }
    }

    [Fact]
    public void Long_options_are_split_and_concatenated_per_RFC_3396()
    {
        var m = TestPackets.Request(DhcpMessageType.Offer, TestPackets.Mac(1));
        var big = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
        m.Options.Set(DhcpOptionCode.VendorSpecific, big);
        var wire = m.ToArray(1500);
        // three instances of option 43 on the wire: 255 + 255 + 90
        int instances = 0;
        for (int i = 240; i < wire.Length && wire[i] != 255;)
        {
            if (wire[i] == 0)
            {
                i++;
                continue;
            }

            if (wire[i] == 43)
            {
                instances++;
            }

            i += 2 + wire[i + 1];
        }

        Assert.Equal(3, instances);
        var parsed = DhcpMessage.Parse(wire)!;
        parsed.Options.TryGet(DhcpOptionCode.VendorSpecific, out var back);
        Assert.Equal(big, back.ToArray());
    }

    [Fact]
    public void Options_that_do_not_fit_overload_file_and_sname()
    {
        var m = TestPackets.Request(DhcpMessageType.Ack, TestPackets.Mac(2));
        m.Options.Set(DhcpOptionCode.VendorSpecific, Enumerable.Repeat((byte)7, 250).ToArray());
        m.Options.Set((DhcpOptionCode)224, Enumerable.Repeat((byte)8, 200).ToArray());
        m.Options.Set((DhcpOptionCode)225, Enumerable.Repeat((byte)9, 40).ToArray());
        var wire = m.ToArray(576);
        Assert.True(wire.Length <= 576);
        Assert.Contains((byte)52, wire.AsSpan(240, 3).ToArray());
        var parsed = DhcpMessage.Parse(wire)!;
        Assert.Equal(string.Empty, parsed.BootFileName);
        foreach (var code in new byte[] { 43, 224, 225 })
        {
            m.Options.TryGet(code, out var expected);
            Assert.True(parsed.Options.TryGet(code, out var actual), $"option {code}");
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }

        // With overload refused (dhcp-no-override) the message stays within size and file stays a file.
        var noOverride = DhcpMessage.Parse(m.ToArray(576, allowOverload: false))!;
        Assert.True(noOverride.Options.Count < m.Options.Count);
        foreach (var code in noOverride.Options.Codes)
        {
            m.Options.TryGet(code, out var expected);
            noOverride.Options.TryGet(code, out var actual);
            Assert.Equal(expected.ToArray(), actual.ToArray()); // whole options only, never cut
        }

        // More than fits anywhere: whole options are left out, none is cut.
        m.Options.Set((DhcpOptionCode)226, Enumerable.Repeat((byte)10, 200).ToArray());
        var overflow = DhcpMessage.Parse(m.ToArray(576))!;
        foreach (var code in overflow.Options.Codes)
        {
            m.Options.TryGet(code, out var expected);
            overflow.Options.TryGet(code, out var actual);
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }
    }

    [Fact]
    public void Overloaded_fields_are_read_in_RFC_order()
    {
        // Hand-made: option 52 = 3, option 12 starts in options, continues in file, ends in sname.
        var data = new byte[300];
        data[0] = 1; data[1] = 1; data[2] = 6;
        data[236] = 99; data[237] = 130; data[238] = 83; data[239] = 99;
        byte[] opts = [53, 1, 1, 52, 1, 3, 12, 2, (byte)'a', (byte)'b', 255];
        opts.CopyTo(data, 240);
        byte[] file = [12, 2, (byte)'c', (byte)'d', 255];
        file.CopyTo(data, 108);
        byte[] sname = [12, 1, (byte)'e', 255];
        sname.CopyTo(data, 44);
        Assert.True(DhcpMessage.TryParse(data, out var m, out var error), error);
        Assert.Equal("abcde", m!.Options.GetString(DhcpOptionCode.HostName));
        Assert.Equal(string.Empty, m.BootFileName);
        Assert.Equal(string.Empty, m.ServerName);
    }

    [Theory]
    [InlineData(0, "shorter")]
    [InlineData(100, "shorter")]
    [InlineData(239, "shorter")]
    public void Short_datagrams_are_refused_with_a_reason(int length, string reason)
    {
        Assert.False(DhcpMessage.TryParse(new byte[length], out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_cookie_op_hlen_and_truncated_options_are_refused()
    {
        var good = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(3)).ToArray();
        var badOp = (byte[])good.Clone();
        badOp[0] = 7;
        Assert.False(DhcpMessage.TryParse(badOp, out _, out var e1));
        Assert.Contains("op", e1, StringComparison.Ordinal);

        var badHlen = (byte[])good.Clone();
        badHlen[2] = 17;
        Assert.False(DhcpMessage.TryParse(badHlen, out _, out var e2));
        Assert.Contains("hardware address length", e2, StringComparison.Ordinal);

        var badCookie = (byte[])good.Clone();
        badCookie[237] = 0;
        Assert.False(DhcpMessage.TryParse(badCookie, out _, out var e3));
        Assert.Contains("cookie", e3, StringComparison.Ordinal);

        var truncated = good.AsSpan(0, 243).ToArray(); // 53,1 then cut
        truncated[240] = 53; truncated[241] = 5;
        Assert.False(DhcpMessage.TryParse(truncated, out _, out var e4));
        Assert.Contains("option 53", e4, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_are_padded_to_the_BOOTP_minimum_and_keep_the_broadcast_flag()
    {
        var m = TestPackets.Request(DhcpMessageType.Offer, TestPackets.Mac(4));
        m.Broadcast = true;
        var wire = m.ToArray();
        Assert.Equal(300, wire.Length);
        Assert.True(DhcpMessage.Parse(wire)!.Broadcast);
    }

    /// <summary>Found by fuzzing (fuzz/, target dhcp): invalid UTF-8 in sname decoded to U+FFFD, three bytes each, and
    /// writing the parsed message again threw ArgumentException ("longer than the 63-byte field").</summary>
    [Fact]
    public void Fuzz_a_parsed_message_with_invalid_utf8_in_sname_writes_again()
    {
        byte[] datagram = Convert.FromHexString(
        "02010600000000000004800000000000c0a84d739da84d0200000000525400770010000000000000000000e1e1e1e1e1" +
        "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e100000000000000000000000000000000000000000000000000" +
        "0000000000000000000000097078656c696e75782e300000000000000000000000000000000012000000000000000000" +
        "00000b006000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000063825363" +
        "3501053604c0a84d023c09505845436c69656e74611100000000000000000002000000000000002b07470480000000ff" +
        "ff000000");
        Assert.True(DhcpMessage.TryParse(datagram, out var m, out var error), error);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(m!.ServerName) <= 63);
        var again = DhcpMessage.Parse(m.ToArray(1500));
        Assert.NotNull(again);
        Assert.Equal(m.ServerName, again!.ServerName);
        Assert.Equal(m.BootFileName, again.BootFileName);
    }

    [Theory]
    [InlineData(44, 64)]
    [InlineData(108, 128)]
    public void Fuzz_a_name_field_filled_to_its_end_or_with_invalid_utf8_writes_again(int offset, int length)
    {
        var wire = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(5)).ToArray();
        foreach (byte fill in new byte[] { (byte)'a', 0xE1, 0xFF, 0xF0 })
        {
            wire.AsSpan(offset, length).Fill(fill);
            Assert.True(DhcpMessage.TryParse(wire, out var m, out var error), error);
            var again = DhcpMessage.Parse(m!.ToArray(1500));
            Assert.NotNull(again);
            Assert.Equal(m.ServerName, again!.ServerName);
            Assert.Equal(m.BootFileName, again.BootFileName);
        }
    }
}
