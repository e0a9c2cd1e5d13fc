using System.Text;
using FsCheck.Xunit;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Engine.Tests.Http;

public sealed class HttpRequestParserTests
{
    private static HttpParseResult Parse(string text, int max = 16384) =>
        new HttpRequestParser(max).Parse(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Parses_a_simple_get()
    {
        const string text = "GET /pxelinux.0 HTTP/1.1\r\nHost: boot\r\nRange: bytes=0-99\r\nIf-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n";
        var result = Parse(text);
        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(text.Length, result.Consumed);
        var head = result.Head!;
        Assert.Equal("GET", head.Method);
        Assert.Equal(HttpMethodKind.Get, head.MethodKind);
        Assert.Equal("/pxelinux.0", head.Target);
        Assert.Equal(1, head.VersionMinor);
        Assert.True(head.KeepAlive);
        Assert.Equal("boot", head.Host);
        Assert.Equal("bytes=0-99", head.Range);
        Assert.Equal("\"a\", \"b\"", head.IfNoneMatch);
    }

    [Fact]
    public void Is_incremental_byte_by_byte()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("GET /a HTTP/1.1\r\nHost: x\r\nX-Long: 0123456789\r\n\r\n");
        var parser = new HttpRequestParser(16384);
        for (int i = 1; i < bytes.Length; i++)
        {
            Assert.Equal(HttpParseStatus.Incomplete, parser.Parse(bytes.AsSpan(0, i)).Status);
        }

        var result = parser.Parse(bytes);
        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(bytes.Length, result.Consumed);
    }

    [Fact]
    public void Consumes_only_the_first_of_pipelined_requests()
    {
        const string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
        var result = Parse(first + "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(first.Length, result.Consumed);
        Assert.Equal("/a", result.Head!.Target);
    }

    [Fact]
    public void Accepts_bare_lf_and_leading_empty_lines()
    {
        var result = Parse("\r\n\nGET /a HTTP/1.0\nHost: x\n\n");
        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal("/a", result.Head!.Target);
        Assert.False(result.Head.KeepAlive);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    public void Decides_keep_alive(string text, bool keepAlive) => Assert.Equal(keepAlive, Parse(text).Head!.KeepAlive);

    [Theory]
    [InlineData("GET", "Get")]
    [InlineData("HEAD", "Head")]
    [InlineData("POST", "NotAllowed")]
    [InlineData("DELETE", "NotAllowed")]
    [InlineData("OPTIONS", "NotAllowed")]
    [InlineData("BREW", "Unknown")]
    [InlineData("get", "Unknown")]
    public void Classifies_methods(string method, string kind) =>
        Assert.Equal(Enum.Parse<HttpMethodKind>(kind), Parse($"{method} / HTTP/1.1\r\n\r\n").Head!.MethodKind);

    [Theory]
    [InlineData("GET  / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 x\r\n\r\n")]
    [InlineData("GET /\u0001 HTTP/1.1\r\n\r\n")]
    [InlineData("GET /\u00e9 HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.x\r\n\r\n")]
    [InlineData("GET / http/1.1\r\n\r\n")]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("G(T / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost : x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n: empty\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\r\n\r\n")]
    public void Refuses_malformed_heads_with_400(string text)
    {
        var result = Parse(text);
        Assert.Equal(HttpParseStatus.Error, result.Status);
        Assert.Equal(400, result.StatusCode);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData("GET / HTTP/2.0\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("GET / HTTP/0.9\r\n\r\n")]
    public void Refuses_other_versions_with_505(string text) => Assert.Equal(505, Parse(text).StatusCode);

    [Theory]
    [InlineData("nu.ipTTPHnnznnnnnnnnnnnnnnnnnnnnnnxf 1")]                         // the fuzzer's finding: a space after 36 letters
    [InlineData("AVERYLONGMETHODNAMETHATNOHTTPSERVERKNOWS / HTTP/1.1\r\nHost: x\r\n\r\n")]
    public void A_first_word_longer_than_any_method_is_refused_whether_its_space_has_arrived_or_not(string text) =>
        AssertSameVerdictHoweverItArrives(text, 400);

    [Fact]
    public void A_malformed_request_line_is_400_before_the_size_limits_however_it_arrives()
    {
        AssertSameVerdictHoweverItArrives("GET /\u0001" + new string('a', 9000), 400);                      // not 414
        AssertSameVerdictHoweverItArrives("\u0016\u0003\u0001" + new string('x', 20000) + "\r\n\r\n", 400); // not 431
        AssertSameVerdictHoweverItArrives("GET / HTTP/2.0\r\nX: " + new string('a', 20000) + "\r\n\r\n", 505);
    }

    /// <summary>Fed a byte at a time or all at once, the parser must decide the same (the fuzz harness's invariant).</summary>
    private static void AssertSameVerdictHoweverItArrives(string text, int expected)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        var parser = new HttpRequestParser(16384);
        HttpParseResult incremental = default;
        for (int i = 1; i <= bytes.Length; i++)
        {
            incremental = parser.Parse(bytes.AsSpan(0, i));
            if (incremental.Status != HttpParseStatus.Incomplete)
            {
                break;
            }
        }

        Assert.Equal(expected, incremental.StatusCode);
        Assert.Equal(expected, Parse(text).StatusCode);
    }

    [Fact]
    public void Refuses_a_long_request_line_with_414_before_it_ends()
    {
        var result = Parse("GET /" + new string('a', 9000));
        Assert.Equal(HttpParseStatus.Error, result.Status);
        Assert.Equal(414, result.StatusCode);
        Assert.Equal(414, Parse("GET /" + new string('a', 9000) + " HTTP/1.1\r\n\r\n").StatusCode);
    }

    [Fact]
    public void Refuses_large_heads_with_431()
    {
        var text = new StringBuilder("GET / HTTP/1.1\r\n");
        while (text.Length < 17000)
        {
            text.Append("X-Filler: ").Append('x', 100).Append("\r\n");
        }

        Assert.Equal(431, Parse(text.ToString()).StatusCode);
        Assert.Equal(431, Parse(text.Append("\r\n").ToString()).StatusCode);
        Assert.Equal(HttpParseStatus.Complete, Parse(text.ToString(), 32768).Status);
    }

    [Fact]
    public void Reads_content_length_and_transfer_encoding()
    {
        Assert.Equal(5, Parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").Head!.ContentLength);
        Assert.True(Parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").Head!.HasTransferEncoding);
    }

    [Property(MaxTest = 500)]
    public bool Never_throws_on_random_bytes(byte[] data)
    {
        var result = new HttpRequestParser(1024).Parse(data ?? []);
        return result.Status != HttpParseStatus.Error || result.StatusCode is 400 or 414 or 431 or 505;
    }

    [Property(MaxTest = 500)]
    public bool Never_throws_on_mutated_requests(int position, byte value, int cut)
    {
        byte[] bytes = Encoding.ASCII.GetBytes("GET /boot/vmlinuz?x=1 HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1,5-\r\nConnection: keep-alive\r\n\r\n");
        bytes[Math.Abs(position % bytes.Length)] = value;
        int length = Math.Abs(cut % (bytes.Length + 1));
        var parser = new HttpRequestParser(1024);
        var partial = parser.Parse(bytes.AsSpan(0, length));
        var whole = parser.Parse(bytes);
        return partial.Status != HttpParseStatus.Complete || partial.Consumed <= length
            && (whole.Status != HttpParseStatus.Complete || whole.Consumed <= bytes.Length);
    }

    [Theory]
    [InlineData("/a/b", "/a/b", null)]
    [InlineData("/a%20b?x=1&y", "/a b", "x=1&y")]
    [InlineData("http://host:8080/boot/x?q", "/boot/x", "q")]
    [InlineData("http://host", "/", null)]
    [InlineData("/%2e%2e/etc", "/../etc", null)]
    [InlineData("/%252e", "/%2e", null)]
    [InlineData("/caf%C3%A9", "/caf\u00e9", null)]
    public void Decodes_targets_once(string target, string path, string? query)
    {
        Assert.True(HttpTarget.TryDecode(target, out var decoded, out var q, out var error), error);
        Assert.Equal(path, decoded);
        Assert.Equal(query, q);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("a/b")]
    [InlineData("/a%zz")]
    [InlineData("/a%2")]
    [InlineData("/a%ff")]
    public void Refuses_unusable_targets(string target) => Assert.False(HttpTarget.TryDecode(target, out _, out _, out _));

    [Theory]
    [InlineData("pxelinux.0", "application/octet-stream")]
    [InlineData("ldlinux.c32", "application/octet-stream")]
    [InlineData("boot.ipxe", "text/plain; charset=utf-8")]
    [InlineData("arch.ISO", "application/x-iso9660-image")]
    [InlineData("initrd.gz", "application/gzip")]
    [InlineData("noext", "application/octet-stream")]
    public void Maps_mime_types(string name, string type) => Assert.Equal(type, MimeTypes.For(name));

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Sun Nov  6 08:49:37 1994")]
    public void Parses_the_three_http_date_forms(string text)
    {
        Assert.True(HttpDate.TryParse(text, out var time));
        Assert.Equal(new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero), time);
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Format(time));
    }

    [Theory]
    [InlineData("*", true, true)]
    [InlineData("\"x\"", true, true)]
    [InlineData("\"y\", \"x\"", true, true)]
    [InlineData("W/\"x\"", true, false)]
    [InlineData("\"y\"", false, false)]
    public void Matches_entity_tags(string list, bool weakMatch, bool strongMatch)
    {
        Assert.Equal(weakMatch, EntityTag.Matches(list, "\"x\"", weak: true));
        Assert.Equal(strongMatch, EntityTag.Matches(list, "\"x\"", weak: false));
    }
}
