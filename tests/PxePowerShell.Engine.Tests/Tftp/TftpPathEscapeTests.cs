using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>
/// Raw RRQs that try to climb out of the root. Every escape (including symbolic links inside the root that
/// point outside it) gets ERROR 2 and a RequestRefused event; harmless but absent names get ERROR 1.
/// A symbolic link inside the root that points inside it is served.
/// </summary>
public sealed class TftpPathEscapeTests : IAsyncLifetime
{
    private TftpTestServer _server = null!;
    private string _outside = null!;

    public async Task InitializeAsync()
    {
        _outside = Directory.CreateTempSubdirectory("pxe-tftp-outside-").FullName;
        File.WriteAllText(Path.Combine(_outside, "secret"), "secret");
        _server = await TftpTestServer.StartAsync();
        string root = _server.Root;
        File.WriteAllText(Path.Combine(root, "ok.txt"), "inside");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.CreateSymbolicLink(Path.Combine(root, "sub", "inside"), "../ok.txt");
        File.CreateSymbolicLink(Path.Combine(root, "escape"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(root, "escdir"), "/etc");
        File.CreateSymbolicLink(Path.Combine(root, "sub", "escape2"), Path.Combine(_outside, "secret"));
        File.CreateSymbolicLink(Path.Combine(root, "sub", "relescape"), "../../" + Path.GetFileName(_outside) + "/secret");
        Directory.CreateSymbolicLink(Path.Combine(root, "outdir"), _outside);
        File.CreateSymbolicLink(Path.Combine(root, "broken"), "/nonexistent/pxe-tftp-target");
        File.CreateSymbolicLink(Path.Combine(root, "loop1"), Path.Combine(root, "loop2"));
        File.CreateSymbolicLink(Path.Combine(root, "loop2"), Path.Combine(root, "loop1"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_outside, recursive: true);
    }

    public static TheoryData<string, int> Corpus() => new()
    {
        { "../etc/passwd", 2 },
        { "/../etc/passwd", 2 },
        { "sub/../../etc/passwd", 2 },
        { "..", 2 },
        { "../", 2 },
        { "sub/../..", 2 },
        { "..\\..\\etc\\passwd", 2 },
        { "sub\\..\\ok.txt", 2 },
        { "C:/Windows/win.ini", 2 },
        { "c:", 2 },
        { "sub/c:/x", 2 },
        { "//server/share/x", 2 },
        { "%2e%2e/etc/passwd", 2 },
        { "%2e%2e%2fetc%2fpasswd", 2 },
        { "sub/%2E%2E/%2e%2e/etc/passwd", 2 },
        { "..%5c..%5cetc%5cpasswd", 2 },
        { "ok.txt%00.png", 2 },
        { "a\u0001b", 2 },
        { "escape", 2 },
        { "ESCAPE", 2 },
        { "escape/", 2 },
        { "escdir/passwd", 2 },
        { "sub/escape2", 2 },
        { "sub/relescape", 2 },
        { "outdir/secret", 2 },
        { "broken", 2 },
        { "loop1", 2 },
        { new string('a', 1100), 2 },
        { "/etc/passwd", 1 },
        { "....//....//etc/passwd", 1 },
        { "~root/.ssh/id_rsa", 1 },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Escape_attempts_are_refused(string name, int expectedCode)
    {
        using var client = new TftpRawClient();
        client.SendRequest(_server.EndPoint, TftpOpcode.ReadRequest, name);
        var (answer, from) = await client.ReceiveAsync();
        Assert.Equal(_server.Port, from.Port);
        Assert.True(TftpPacket.TryParseError(answer, out var code, out string message), "expected an ERROR packet");
        Assert.Equal(expectedCode, (int)code);
        Assert.False(string.IsNullOrEmpty(message));
        var refused = await _server.WaitForAsync(PxeEventKind.RequestRefused);
        Assert.StartsWith(message, refused.Error, StringComparison.Ordinal); // the ERROR is cut to the request's length
        Assert.NotNull(refused.Path);
        Assert.Equal(0, _server.Server.Statistics.TotalSessions);
    }

    [Fact]
    public async Task Symlink_inside_the_root_to_a_file_inside_is_served()
    {
        using var client = new TftpRawClient();
        var data = await client.GetAsync(_server.EndPoint, "sub/inside");
        Assert.Equal("inside", System.Text.Encoding.ASCII.GetString(data));
    }
}
