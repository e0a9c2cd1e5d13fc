using System.Diagnostics;
using System.Text.RegularExpressions;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// Router advertisements come from radvd, not from the module (docs/ipv6.md says why). This runs radvd with the very
/// configuration docs/ipv6.md gives (interface and prefix replaced) in the lab's server namespace, and checks what a
/// client namespace with accept_ra=2 learns: rdisc6 sees M and O set and the prefix on-link, and the kernel installs an
/// on-link route for the prefix that expires with the RA.
/// </summary>
[Collection("netns")]
public sealed partial class RouterAdvertisementTests
{
    [Fact]
    public async Task Radvd_with_the_documented_configuration_gives_a_client_the_m_and_o_flags_and_the_prefix()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        Assert.True(File.Exists("/usr/sbin/radvd") && File.Exists("/usr/bin/rdisc6"), "needs radvd and ndisc6 (tests/apt-packages.txt)");
        using var lab = new Dhcp6Lab();
        string prefix = $"fd00:77:{lab.Client.Subnet}::/64"; // not the lab's own /64: the route can only come from the RA
        string config = DocumentedConfiguration()
            .Replace("interface eth1", "interface " + lab.ServerInterface, StringComparison.Ordinal)
            .Replace("fd00:77::/64", prefix, StringComparison.Ordinal);
        string dir = Directory.CreateTempSubdirectory("pxt-radvd-").FullName;
        string path = Path.Combine(dir, "radvd.conf");
        await File.WriteAllTextAsync(path, config);
        lab.InServer("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        lab.Client.Exec("sysctl", "-qw", $"net.ipv6.conf.{lab.Client.ClientInterface}.accept_ra=2");

        using var radvd = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", lab.ServerNamespace, "/usr/sbin/radvd", "-n", "-C", path, "-p", Path.Combine(dir, "radvd.pid"), "-m", "stderr"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var radvdLog = radvd.StandardError.ReadToEndAsync();
        try
        {
            // rdisc6 solicits and waits for the advertisement (up to 3 tries of 1 s); radvd may need a moment to start.
            string output = string.Empty;
            for (int attempt = 0; attempt < 10 && !output.Contains("Prefix", StringComparison.Ordinal); attempt++)
            {
                Assert.False(radvd.HasExited, "radvd exited");
                var (_, stdout, _) = await lab.Client.ExecAsync(TimeSpan.FromSeconds(15), "/usr/bin/rdisc6", "-r", "3", "-w", "1000", lab.Client.ClientInterface);
                output = stdout;
            }

            Assert.Matches(StatefulAddress(), output);
            Assert.Matches(StatefulOther(), output);
            Assert.Contains($"Prefix                   : {prefix}", output, StringComparison.Ordinal);
            Assert.Matches(OnLink(), output);
            Assert.Matches(RouterLifetimeZero(), output);

            // The kernel of the client took the RA: an on-link route for the prefix that expires with the RA's valid lifetime.
            Assert.True(
                SpinWait.SpinUntil(() => Regex.IsMatch(lab.Client.Exec("ip", "-6", "route", "show", "dev", lab.Client.ClientInterface), $@"^{Regex.Escape(prefix)} proto \w+ metric \d+ expires \d+sec", RegexOptions.Multiline), TimeSpan.FromSeconds(15)),
                lab.Client.Exec("ip", "-6", "route", "show", "dev", lab.Client.ClientInterface));
        }
        finally
        {
            if (!radvd.HasExited)
            {
                radvd.Kill(entireProcessTree: true);
            }

            await radvd.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            _ = await radvdLog;
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The radvd block of docs/ipv6.md (the first ```text block that starts with "interface").</summary>
    private static string DocumentedConfiguration()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "ipv6.md"));
        var match = Regex.Match(doc, "```text\n(interface [^`]*?\n};)\n```", RegexOptions.CultureInvariant);
        Assert.True(match.Success, "docs/ipv6.md has no radvd configuration block");
        return match.Groups[1].Value;
    }

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

    [GeneratedRegex(@"Stateful address conf\.\s*:\s*Yes")]
    private static partial Regex StatefulAddress();

    [GeneratedRegex(@"Stateful other conf\.\s*:\s*Yes")]
    private static partial Regex StatefulOther();

    [GeneratedRegex(@"On-link\s*:\s*Yes")]
    private static partial Regex OnLink();

    [GeneratedRegex(@"Router lifetime\s*:\s*0 ")]
    private static partial Regex RouterLifetimeZero();
}
