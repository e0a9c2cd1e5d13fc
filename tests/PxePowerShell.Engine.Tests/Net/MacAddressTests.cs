using FsCheck;
using FsCheck.Fluent;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Net;

public sealed class MacAddressTests
{
    [Theory]
    [InlineData("AA:BB:CC:DD:EE:FF")]
    [InlineData("aa:bb:cc:dd:ee:ff")]
    [InlineData("aabb.ccdd.eeff")]
    [InlineData("AABB.CCDD.EEFF")]
    [InlineData("AABBCCDDEEFF")]
    [InlineData("aa-bb-cc-dd-ee-ff")]
    [InlineData("AA-BB-CC-DD-EE-FF")]
    [InlineData("  aa:bb:cc:dd:ee:ff  ")]
    public void Common_notations_normalize_to_the_hyphenated_lower_case_form(string text)
    {
        Assert.Equal("aa-bb-cc-dd-ee-ff", MacAddress.Normalize(text));
        Assert.True(MacAddress.TryNormalize(text, out var normalized));
        Assert.Equal("aa-bb-cc-dd-ee-ff", normalized);
    }

    [Fact]
    public void One_digit_groups_are_padded()
    {
        Assert.Equal("0a-0b-0c-0d-0e-0f", MacAddress.Normalize("a:b:c:d:e:f"));
        Assert.Equal("00-1b-21-0a-00-05", MacAddress.Normalize("0:1b:21:a:0:5"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("aa:bb:cc:dd:ee")]
    [InlineData("aa:bb:cc:dd:ee:ff:00")]
    [InlineData("aa:bb-cc:dd:ee:ff")]
    [InlineData("gg:bb:cc:dd:ee:ff")]
    [InlineData("aabbccddeef")]
    [InlineData("aabbccddeeffa")]
    [InlineData("aabb.ccdd.eefg")]
    [InlineData("aa::cc:dd:ee:ff")]
    [InlineData("aaa:bb:cc:dd:ee:f")]
    [InlineData("192.168.1.1")]
    [InlineData("not a mac")]
    public void Malformed_text_is_rejected_with_a_message_that_shows_the_accepted_forms(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => MacAddress.Parse(text));
        Assert.Contains("aa-bb-cc-dd-ee-ff", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_not_a_mac_address()
    {
        Assert.False(MacAddress.TryParse((string?)null, out _));
        Assert.False(MacAddress.TryNormalize(null, out _));
    }

    [Fact]
    public void Bytes_round_trip_and_compact_form()
    {
        var mac = MacAddress.FromBytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        Assert.Equal("52-54-00-12-34-56", mac.ToString());
        Assert.Equal("525400123456", mac.ToCompactString());
        Span<byte> bytes = stackalloc byte[6];
        mac.CopyTo(bytes);
        Assert.Equal(mac, MacAddress.FromBytes(bytes));
        Assert.Throws<ArgumentException>(() => MacAddress.FromBytes([1, 2, 3]));
    }

    [FsCheck.Xunit.Property]
    public Property Every_48_bit_value_round_trips_through_every_notation(ulong raw)
    {
        var bytes = BitConverter.GetBytes(raw & 0xFFFF_FFFF_FFFF);
        Array.Reverse(bytes);
        var mac = MacAddress.FromBytes(bytes.AsSpan(2, 6));
        string hyphen = mac.ToString();
        string compact = mac.ToCompactString();
        string colon = hyphen.Replace('-', ':').ToUpperInvariant();
        string cisco = $"{compact[..4]}.{compact[4..8]}.{compact[8..]}";
        return (MacAddress.Parse(colon) == mac && MacAddress.Parse(compact.ToUpperInvariant()) == mac
            && MacAddress.Parse(cisco) == mac && MacAddress.Parse(hyphen) == mac).ToProperty();
    }

    [Theory]
    [InlineData("AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff")]
    [InlineData("aa-bb-cc-dd-ee-ff", "aa-bb-cc-dd-ee-ff")]
    [InlineData("aabb.ccdd.eeff", "aa-bb-cc-dd-ee-ff")]
    [InlineData("AABBCCDDEEFF", "aa-bb-cc-dd-ee-ff")]
    [InlineData(" aa bb cc dd ee ff ", "aa-bb-cc-dd-ee-ff")]
    [InlineData("01:AA:BB:CC:DD:EE:FF", "01-aa-bb-cc-dd-ee-ff")]
    [InlineData("0a0b", "0a-0b")]
    [InlineData("00112233445566778899aabbccddeeff", "00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff")]
    public void Hardware_addresses_of_1_to_16_octets_in_any_common_notation_normalize(string text, string expected) =>
        Assert.Equal(expected, MacAddress.NormalizeHardwareAddress(text));

    [Theory]
    [InlineData("zz-bb")]
    [InlineData("a")]
    [InlineData("aab")]
    [InlineData("00112233445566778899aabbccddeeff00")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void Bad_hardware_address_text_is_refused(string? text)
    {
        Assert.False(MacAddress.TryNormalizeHardwareAddress(text, out _));
        if (text is not null)
        {
            var ex = Assert.Throws<FormatException>(() => MacAddress.NormalizeHardwareAddress(text));
            Assert.Contains("is not a MAC address", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hardware_address_octets_of_any_length_format_hyphenated_lower_case()
    {
        Assert.Equal(string.Empty, MacAddress.Format([]));
        Assert.Equal("0a", MacAddress.Format([0x0A]));
        Assert.Equal("52-54-00-ab-cd-ef", MacAddress.Format([0x52, 0x54, 0x00, 0xAB, 0xCD, 0xEF]));
        Assert.Equal(MacAddress.Parse("52:54:00:AB:CD:EF").ToString(), MacAddress.Format([0x52, 0x54, 0x00, 0xAB, 0xCD, 0xEF]));
        Assert.Equal(string.Join('-', Enumerable.Repeat("ff", 100)), MacAddress.Format(Enumerable.Repeat((byte)0xFF, 100).ToArray()));
    }
}
