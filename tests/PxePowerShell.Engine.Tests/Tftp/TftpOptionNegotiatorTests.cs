using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

public sealed class TftpOptionNegotiatorTests
{
    private static TftpRequest Rrq(params (string Name, string Value)[] options) =>
        new(TftpOpcode.ReadRequest, "f", TftpMode.Octet, [.. options.Select(o => new TftpOption(o.Name, o.Value))]);

    [Fact]
    public void No_options_means_rfc1350_defaults_and_no_oack()
    {
        var n = TftpOptionNegotiator.Negotiate(Rrq(), new TftpServerOptions(), 1000, null);
        Assert.Equal(512, n.BlockSize);
        Assert.Equal(1, n.WindowSize);
        Assert.False(n.SendOptionAck);
    }

    [Fact]
    public void Grants_blksize_tsize_timeout_windowsize_case_insensitively()
    {
        var n = TftpOptionNegotiator.Negotiate(Rrq(("BlkSize", "1468"), ("TSIZE", "0"), ("timeout", "3"), ("windowsize", "16"), ("foo", "bar")), new TftpServerOptions(), 4242, 65536);
        Assert.Equal(1468, n.BlockSize);
        Assert.Equal(16, n.WindowSize);
        Assert.Equal(TimeSpan.FromSeconds(3), n.Timeout);
        Assert.Equal(4242, n.TransferSize);
        Assert.Equal(["blksize=1468", "tsize=4242", "timeout=3", "windowsize=16"], n.Acknowledged.Select(o => o.Name + "=" + o.Value));
    }

    [Theory]
    [InlineData("7")]
    [InlineData("65465")]
    [InlineData("abc")]
    [InlineData("-1")]
    public void Out_of_range_blksize_is_ignored(string value)
    {
        var n = TftpOptionNegotiator.Negotiate(Rrq(("blksize", value)), new TftpServerOptions(), 1, null);
        Assert.Equal(512, n.BlockSize);
        Assert.False(n.SendOptionAck);
    }

    [Fact]
    public void Blksize_is_clamped_to_the_server_maximum_and_the_mtu()
    {
        Assert.Equal(1024, TftpOptionNegotiator.Negotiate(Rrq(("blksize", "65464")), new TftpServerOptions { MaxBlockSize = 1024 }, 1, null).BlockSize);
        Assert.Equal(1468, TftpOptionNegotiator.Negotiate(Rrq(("blksize", "65464")), new TftpServerOptions(), 1, 1500).BlockSize);
        Assert.Equal(65464, TftpOptionNegotiator.Negotiate(Rrq(("blksize", "65464")), new TftpServerOptions(), 1, 65536).BlockSize);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("256", false)]
    [InlineData("1", true)]
    [InlineData("255", true)]
    public void Timeout_range_is_1_to_255(string value, bool granted) =>
        Assert.Equal(granted, TftpOptionNegotiator.Negotiate(Rrq(("timeout", value)), new TftpServerOptions(), 1, null).SendOptionAck);

    [Fact]
    public void Windowsize_is_clamped_to_MaxWindowSize_and_0_is_ignored()
    {
        Assert.Equal(64, TftpOptionNegotiator.Negotiate(Rrq(("windowsize", "65535")), new TftpServerOptions(), 1, null).WindowSize);
        var zero = TftpOptionNegotiator.Negotiate(Rrq(("windowsize", "0")), new TftpServerOptions(), 1, null);
        Assert.Equal(1, zero.WindowSize);
        Assert.False(zero.SendOptionAck);
    }

    [Fact]
    public void Tsize_on_wrq_echoes_the_announced_size_and_on_unknown_rrq_size_is_omitted()
    {
        var wrq = new TftpRequest(TftpOpcode.WriteRequest, "f", TftpMode.Octet, [new("tsize", "777")]);
        Assert.Equal(777, TftpOptionNegotiator.Negotiate(wrq, new TftpServerOptions(), null, null).TransferSize);
        Assert.False(TftpOptionNegotiator.Negotiate(Rrq(("tsize", "0")), new TftpServerOptions(), null, null).SendOptionAck);
    }
}
