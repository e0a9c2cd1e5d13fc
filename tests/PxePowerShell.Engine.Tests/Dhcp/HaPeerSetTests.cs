using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>Who answers which RFC 3074 bucket in a high-availability group, from heartbeat ages and a fake clock.</summary>
public sealed class HaPeerSetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static HaPeerSet Set(string self, params string[] peers) => new(new DhcpHaOptions { ServerName = self, Peers = peers });

    private static Dictionary<string, TimeSpan> Ages(params (string Peer, double Seconds)[] ages) =>
        ages.ToDictionary(a => a.Peer, a => TimeSpan.FromSeconds(a.Seconds), StringComparer.OrdinalIgnoreCase);

    private static int[] Owned(HaPeerSet set, DateTimeOffset now) =>
        [.. Enumerable.Range(0, 256).Where(b => set.Answers((byte)b, now))];

    [Fact]
    public void Two_live_peers_split_the_buckets_even_and_odd_whatever_the_order_they_were_named_in()
    {
        var a = Set("pxe-a", "pxe-b", "pxe-a");
        var b = Set("PXE-B", "pxe-a", "pxe-b");
        var now = _time.GetUtcNow();
        a.Observe(Ages(("pxe-b", 0.2)), now);
        b.Observe(Ages(("pxe-a", 0.5)), now);

        Assert.Equal(Enumerable.Range(0, 128).Select(i => i * 2), Owned(a, now));
        Assert.Equal(Enumerable.Range(0, 128).Select(i => (i * 2) + 1), Owned(b, now));
    }

    [Fact]
    public void A_peer_whose_heartbeat_is_older_than_the_max_response_delay_loses_its_buckets_and_gets_them_back()
    {
        var a = Set("pxe-a", "pxe-a", "pxe-b");
        a.Observe(Ages(("pxe-b", 0)), _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(3)); // exactly the default max-response-delay: still up
        Assert.True(a.IsAlive("pxe-b", _time.GetUtcNow()));
        Assert.Equal(128, Owned(a, _time.GetUtcNow()).Length);

        _time.Advance(TimeSpan.FromMilliseconds(1)); // no newer heartbeat: down, its buckets are ours
        Assert.False(a.IsAlive("pxe-b", _time.GetUtcNow()));
        Assert.Equal(256, Owned(a, _time.GetUtcNow()).Length);

        _time.Advance(TimeSpan.FromSeconds(30));
        a.Observe(Ages(("pxe-b", 0.1)), _time.GetUtcNow()); // back: its buckets return at once
        Assert.Equal(128, Owned(a, _time.GetUtcNow()).Length);
        Assert.Equal(["pxe-a", "pxe-b"], a.Live(_time.GetUtcNow()));
    }

    [Fact]
    public void The_age_is_the_stores_so_an_old_heartbeat_read_now_is_already_down()
    {
        var a = Set("pxe-a", "pxe-a", "pxe-b");
        a.Observe(Ages(("pxe-b", 3600)), _time.GetUtcNow()); // a peer that stopped an hour ago (or left: the epoch)
        Assert.Equal(256, Owned(a, _time.GetUtcNow()).Length);
    }

    [Fact]
    public void A_peer_never_seen_is_down_and_one_that_left_is_down_at_the_next_read()
    {
        var a = Set("pxe-a", "pxe-a", "pxe-b");
        Assert.Equal(256, Owned(a, _time.GetUtcNow()).Length);

        a.Observe(Ages(("pxe-b", 0)), _time.GetUtcNow());
        Assert.Equal(128, Owned(a, _time.GetUtcNow()).Length);
        _time.Advance(TimeSpan.FromSeconds(1));
        a.Observe(Ages(("pxe-b", 56 * 365 * 86400.0)), _time.GetUtcNow()); // it stopped: its heartbeat is the epoch
        Assert.False(a.IsAlive("pxe-b", _time.GetUtcNow()));
        Assert.Equal(256, Owned(a, _time.GetUtcNow()).Length);
    }

    [Fact]
    public void With_three_peers_the_buckets_of_a_dead_one_are_shared_by_both_survivors_and_no_bucket_has_two_owners()
    {
        string[] names = ["pxe-a", "pxe-b", "pxe-c"];
        var sets = names.Select(n => Set(n, names)).ToArray();
        var now = _time.GetUtcNow();
        foreach (var s in sets)
        {
            s.Observe(Ages(("pxe-a", 0), ("pxe-b", 0), ("pxe-c", 0)), now);
        }

        Assert.All(sets, s => Assert.InRange(Owned(s, now).Length, 85, 86));

        _time.Advance(TimeSpan.FromSeconds(5));
        now = _time.GetUtcNow();
        sets[0].Observe(Ages(("pxe-b", 0), ("pxe-c", 5)), now); // pxe-c stopped heartbeating 5 s ago
        sets[1].Observe(Ages(("pxe-a", 0), ("pxe-c", 5)), now);
        var a = Owned(sets[0], now);
        var b = Owned(sets[1], now);
        Assert.Empty(a.Intersect(b));
        Assert.Equal(256, a.Length + b.Length);
        Assert.InRange(a.Length, 120, 136); // c's 85 buckets went to both, not to one
        Assert.Equal(Enumerable.Range(0, 256).Where(x => x % 3 == 0), a.Where(x => x % 3 == 0));
    }

    [Fact]
    public void The_status_says_what_Kea_ha_status_get_says_state_buckets_scopes_and_each_peers_age()
    {
        var a = Set("pxe-a", "pxe-a", "pxe-b", "pxe-c");
        a.Observe(Ages(("pxe-b", 0.5), ("pxe-c", 1)), _time.GetUtcNow());

        var all = a.Status(_time.GetUtcNow());
        Assert.Equal((DhcpHaState.LoadBalancing, "pxe-a", 86), (all.State, all.ServerName, all.Buckets)); // buckets 0, 3, ... 255
        Assert.Equal(["pxe-a"], all.Scopes);
        Assert.Equal(["pxe-b", "pxe-c"], all.Peers.Select(p => p.Name));
        Assert.All(all.Peers, p => Assert.True(p.IsAlive));
        Assert.Equal([85, 85], all.Peers.Select(p => p.Buckets));
        Assert.Equal(TimeSpan.FromSeconds(0.5), all.Peers[0].HeartbeatAge);

        _time.Advance(TimeSpan.FromSeconds(2.8)); // pxe-c's beat is now 3.8 s old, pxe-b's 3.3 s: both down
        a.Observe(Ages(("pxe-b", 0)), _time.GetUtcNow()); // pxe-b beats again
        var down = a.Status(_time.GetUtcNow());
        Assert.Equal(DhcpHaState.PartnerDown, down.State);
        Assert.Equal(["pxe-a", "pxe-c"], down.Scopes);
        Assert.Equal(256, down.Buckets + down.Peers.Sum(p => p.Buckets));
        var c = down.Peers.Single(p => p.Name == "pxe-c");
        Assert.Equal((false, 0, TimeSpan.FromSeconds(3.8)), (c.IsAlive, c.Buckets, c.HeartbeatAge));
        Assert.InRange(down.Buckets, 86 + 40, 86 + 45); // half of pxe-c's 85, give or take the round

        var never = Set("pxe-a", "pxe-a", "pxe-b").Status(_time.GetUtcNow());
        Assert.Equal((DhcpHaState.PartnerDown, 256, (TimeSpan?)null), (never.State, never.Buckets, never.Peers[0].HeartbeatAge));
    }

    [Theory]
    [InlineData("pxe-a", new[] { "pxe-a" }, "at least two")]
    [InlineData("pxe-a", new[] { "pxe-a", "PXE-A" }, "twice")]
    [InlineData("pxe-c", new[] { "pxe-a", "pxe-b" }, "does not name this server")]
    public void Bad_groups_are_refused_with_the_reason(string self, string[] peers, string reason)
    {
        var problems = new DhcpHaOptions { ServerName = self, Peers = peers }.Validate();
        Assert.Contains(problems, p => p.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void The_max_response_delay_must_exceed_the_heartbeat_delay()
    {
        var problems = new DhcpHaOptions { ServerName = "a", Peers = ["a", "b"], HeartbeatDelay = TimeSpan.FromSeconds(2), MaxResponseDelay = TimeSpan.FromSeconds(2) }.Validate();
        Assert.Contains(problems, p => p.Contains("HaMaxResponseDelay", StringComparison.Ordinal));
        Assert.Empty(new DhcpHaOptions { ServerName = "a", Peers = ["a", "b"] }.Validate());
    }
}
