using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>The RFC 3074 load-balancing hash: the values the RFC's algorithm gives, and the input Kea hashes (option 61, else chaddr).</summary>
public sealed class LoadBalanceHashTests
{
    [Theory]
    [InlineData("", 0)] // no bytes: the length is the hash
    [InlineData("000000000000", 254)]
    [InlineData("525400000001", 149)]
    [InlineData("010203040506", 179)]
    public void Hash_is_the_RFC_3074_Pearson_hash(string hex, int expected)
    {
        byte hash = LoadBalanceHash.Of(Convert.FromHexString(hex));
        Assert.Equal(expected, hash);
    }

    [Fact]
    public void Hash_of_one_byte_is_the_mixing_table_at_length_xor_byte()
    {
        // RFC 3074 section 6: hash = len; hash = table[hash ^ key[i]]: one byte k gives table[1 ^ k], and table[0] is 251.
        Assert.Equal(251, LoadBalanceHash.Of([1]));
        var seen = new HashSet<byte>();
        for (int k = 0; k < 256; k++)
        {
            seen.Add(LoadBalanceHash.Of([(byte)k]));
        }

        Assert.Equal(256, seen.Count); // the table is a permutation: 256 one-byte keys, 256 buckets
    }

    [Fact]
    public void Client_identifier_wins_over_chaddr_and_no_identity_has_no_bucket()
    {
        var mac = TestPackets.Mac(7);
        var plain = TestPackets.Request(DhcpMessageType.Discover, mac);
        Assert.Equal(LoadBalanceHash.Of(mac), LoadBalanceHash.Bucket(plain));

        byte[] clientId = [0xff, 1, 2, 3, 4];
        var withId = TestPackets.Request(DhcpMessageType.Discover, mac);
        withId.Options.Set(DhcpOptionCode.ClientIdentifier, clientId);
        Assert.Equal(LoadBalanceHash.Of(clientId), LoadBalanceHash.Bucket(withId));

        var none = TestPackets.Request(DhcpMessageType.Discover, []);
        Assert.Null(LoadBalanceHash.Bucket(none));
    }

    [Fact]
    public void Thousands_of_MACs_split_about_evenly_over_two_servers()
    {
        int odd = 0;
        for (int i = 0; i < 4000; i++)
        {
            odd += LoadBalanceHash.Of(TestPackets.Mac(0x20000 + i)) % 2;
        }

        Assert.InRange(odd, 1700, 2300);
    }
}
