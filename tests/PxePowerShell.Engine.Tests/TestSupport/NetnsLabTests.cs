using System.Diagnostics;

namespace PxePowerShell.Engine.Tests.TestSupport;

/// <summary>The lab helper itself: a set-up that fails must not leave its pxt-* namespace or veth behind.</summary>
[Collection("netns")]
public sealed class NetnsLabTests
{
    [Fact]
    public void A_lab_whose_set_up_fails_is_removed_before_the_exception_leaves()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        string? name = null, veth = null;
        var ex = Assert.Throws<InvalidOperationException>(() => NetnsLab.Create(lab =>
        {
            name = lab.Namespace;
            veth = lab.HostInterface;
            Assert.Contains(lab.Namespace, Ip("netns", "list"), StringComparison.Ordinal);
            throw new InvalidOperationException("set-up failed (nft missing, say)");
        }));
        Assert.Contains("set-up failed", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(name);
        Assert.DoesNotContain(name, Ip("netns", "list"), StringComparison.Ordinal);
        Assert.DoesNotContain(veth!, Ip("-o", "link", "show"), StringComparison.Ordinal);
    }

    private static string Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
