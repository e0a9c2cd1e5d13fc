using System.Security.Cryptography;
using System.Text;

namespace PxePowerShell.Engine.Tests.Http;

/// <summary>The server against curl on 127.0.0.1, in both body send modes.</summary>
public sealed class HttpBootServerCurlTests(HttpSiteFixture fixture) : IClassFixture<HttpSiteFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("pxeps-http-curl-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("ZeroCopy", "empty.bin")]
    [InlineData("ZeroCopy", "one.bin")]
    [InlineData("ZeroCopy", "big.bin")]
    [InlineData("Copy", "empty.bin")]
    [InlineData("Copy", "one.bin")]
    [InlineData("Copy", "big.bin")]
    public async Task Downloads_are_byte_identical(string mode, string name)
    {
        var site = fixture.For(mode);
        string output = Path.Combine(_scratch, name);
        var (exit, code) = await HttpTestSite.CurlAsync("-s", "-o", output, "-w", "%{http_code}", new Uri(site.BaseUri, name).AbsoluteUri);
        Assert.Equal(0, exit);
        Assert.Equal("200", code);
        Assert.Equal(site.Sha256OfRootFile(name), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(output))));
    }

    [Theory]
    [InlineData("ZeroCopy", "0-99", 0, 100)]
    [InlineData("Copy", "0-99", 0, 100)]
    [InlineData("ZeroCopy", "1000000-9000000", 1000000, 8000001)]
    [InlineData("Copy", "1000000-9000000", 1000000, 8000001)]
    [InlineData("ZeroCopy", "-70000", 10415760, 70000)]
    public async Task Serves_a_single_range(string mode, string range, int start, int count)
    {
        var site = fixture.For(mode);
        string output = Path.Combine(_scratch, "part");
        var (exit, code) = await HttpTestSite.CurlAsync("-s", "-o", output, "-w", "%{http_code}", "--range", range, new Uri(site.BaseUri, "big.bin").AbsoluteUri);
        Assert.Equal(0, exit);
        Assert.Equal("206", code);
        byte[] whole = File.ReadAllBytes(Path.Combine(site.Root, "big.bin"));
        Assert.Equal(whole.AsSpan(start, count).ToArray(), File.ReadAllBytes(output));
    }

    [Theory]
    [InlineData("ZeroCopy")]
    [InlineData("Copy")]
    public async Task Serves_multiple_ranges_as_multipart_byteranges(string mode)
    {
        var site = fixture.For(mode);
        string output = Path.Combine(_scratch, "multi");
        string headers = Path.Combine(_scratch, "headers");
        var (exit, code) = await HttpTestSite.CurlAsync("-s", "-o", output, "-D", headers, "-w", "%{http_code}", "--range", "0-9,20-29", new Uri(site.BaseUri, "digits.txt").AbsoluteUri);
        Assert.Equal(0, exit);
        Assert.Equal("206", code);
        string head = File.ReadAllText(headers);
        var match = System.Text.RegularExpressions.Regex.Match(head, "Content-Type: multipart/byteranges; boundary=(\\S+)");
        Assert.True(match.Success, head);
        string boundary = match.Groups[1].Value;
        string body = File.ReadAllText(output);
        var lengthMatch = System.Text.RegularExpressions.Regex.Match(head, "Content-Length: (\\d+)");
        Assert.Equal(int.Parse(lengthMatch.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetByteCount(body));
        Assert.Equal(
            $"\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-9/100\r\n\r\n0123456789" +
            $"\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 20-29/100\r\n\r\n0123456789" +
            $"\r\n--{boundary}--\r\n",
            body);
    }

    [Fact]
    public async Task Head_gives_the_headers_of_get()
    {
        var (exit, head) = await HttpTestSite.CurlAsync("-s", "-I", new Uri(fixture.ZeroCopy.BaseUri, "big.bin").AbsoluteUri);
        Assert.Equal(0, exit);
        Assert.StartsWith("HTTP/1.1 200 OK", head);
        Assert.Contains("Content-Length: 10485760", head);
        Assert.Contains("Accept-Ranges: bytes", head);
        Assert.Contains("Content-Type: application/octet-stream", head);
        Assert.Matches("ETag: \"[0-9a-f]+-a00000\"", head);
        Assert.Contains("Last-Modified: ", head);
    }

    [Fact]
    public async Task Keeps_the_connection_alive_for_http11_and_not_for_http10()
    {
        var site = fixture.ZeroCopy;
        string a = new Uri(site.BaseUri, "one.bin").AbsoluteUri;
        string b = new Uri(site.BaseUri, "digits.txt").AbsoluteUri;
        string c = new Uri(site.BaseUri, "boot.ipxe").AbsoluteUri;
        var (_, reused) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}", a, b, c);
        Assert.Equal("100", reused);
        var (_, separate) = await HttpTestSite.CurlAsync("-s", "--http1.0", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}", a, b);
        Assert.Equal("11", separate);
    }

    [Fact]
    public async Task Http10_download_works()
    {
        string output = Path.Combine(_scratch, "one");
        var (exit, code) = await HttpTestSite.CurlAsync("-s", "--http1.0", "-o", output, "-w", "%{http_code}", new Uri(fixture.Copy.BaseUri, "big.bin").AbsoluteUri);
        Assert.Equal(0, exit);
        Assert.Equal("200", code);
        Assert.Equal(10 * 1024 * 1024, new FileInfo(output).Length);
    }

    [Fact]
    public async Task Answers_416_with_the_length_when_no_range_fits()
    {
        var (_, head) = await HttpTestSite.CurlAsync("-s", "-D", "-", "-o", "/dev/null", "--range", "20000000-", new Uri(fixture.ZeroCopy.BaseUri, "big.bin").AbsoluteUri);
        Assert.StartsWith("HTTP/1.1 416", head);
        Assert.Contains("Content-Range: bytes */10485760", head);
    }

    [Fact]
    public async Task Answers_304_to_conditional_requests()
    {
        var uri = new Uri(fixture.ZeroCopy.BaseUri, "boot.ipxe").AbsoluteUri;
        var (_, head) = await HttpTestSite.CurlAsync("-s", "-I", uri);
        Assert.Contains("Last-Modified: Tue, 02 Jan 2024 03:04:05 GMT", head);
        string etag = System.Text.RegularExpressions.Regex.Match(head, "ETag: (\"[^\"]+\")").Groups[1].Value;

        var (_, same) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: Tue, 02 Jan 2024 03:04:05 GMT", uri);
        Assert.Equal("304", same);
        var (_, older) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT", uri);
        Assert.Equal("200", older);
        var (_, tagged) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", $"If-None-Match: {etag}", uri);
        Assert.Equal("304", tagged);
        var (_, otherTag) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"nope\"", "-H", "If-Modified-Since: Tue, 02 Jan 2024 03:04:05 GMT", uri);
        Assert.Equal("200", otherTag);
        var (_, ifRangeOk) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "--range", "0-3", "-H", $"If-Range: {etag}", uri);
        Assert.Equal("206", ifRangeOk);
        var (_, ifRangeStale) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "--range", "0-3", "-H", "If-Range: \"old\"", uri);
        Assert.Equal("200", ifRangeStale);
        var (_, ifMatchFails) = await HttpTestSite.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Match: \"old\"", uri);
        Assert.Equal("412", ifMatchFails);
    }

    [Fact]
    public async Task Decodes_the_path_once_and_ignores_the_query()
    {
        var (_, body) = await HttpTestSite.CurlAsync("-s", new Uri(fixture.ZeroCopy.BaseUri, "sub/a%20b+c.cfg?mac=aa-bb").AbsoluteUri);
        Assert.Equal("spaced\n", body);
        var (_, ipxe) = await HttpTestSite.CurlAsync("-s", "-D", "-", new Uri(fixture.ZeroCopy.BaseUri, "boot.ipxe").AbsoluteUri);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", ipxe);
    }

    [Theory]
    [InlineData("sub", "403")]
    [InlineData("sub/", "403")]
    [InlineData("", "403")]
    [InlineData("missing.efi", "404")]
    [InlineData("sub/missing/x", "404")]
    public async Task Refuses_directories_and_missing_files(string path, string expected)
    {
        var (_, code) = await HttpTestSite.CurlAsync("-s", "-o", Path.Combine(_scratch, "out"), "-w", "%{http_code}", new Uri(fixture.ZeroCopy.BaseUri, path).AbsoluteUri);
        Assert.Equal(expected, code);
        if (expected == "403")
        {
            Assert.Contains("directory listing disabled", File.ReadAllText(Path.Combine(_scratch, "out")));
        }
    }
}
