using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// The combining of concurrent allocations (<see cref="AllocationCombiner"/>) on its own, with a batch function that
/// records what it was given: a lone caller allocates alone, the callers that arrive while an allocation is in flight go
/// together in one batch, each gets its own lease, and a failed batch sends each caller back to allocate alone.
/// </summary>
public sealed class AllocationCombinerTests
{
    [Fact]
    public async Task Callers_arriving_while_one_allocates_go_as_one_batch_and_each_gets_its_own_lease()
    {
        var batches = new List<int>();
        var combiner = new AllocationCombiner(requests =>
        {
            lock (batches)
            {
                batches.Add(requests.Count);
            }

            return requests.Select(r => (DhcpLease?)Lease(r)).ToArray();
        }, patience: TimeSpan.FromMinutes(5)); // (the callers wait for the lone one, however long the test holds it)
        using var inFlight = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var lone = Task.Run(() => combiner.Allocate(Request(1), () =>
        {
            inFlight.Set();
            release.Wait(TimeSpan.FromSeconds(30)); // the lone caller's round trip, held open by the test
            return Lease(1);
        }));
        Assert.True(inFlight.Wait(TimeSpan.FromSeconds(30)));

        var waiting = Enumerable.Range(2, 3).Select(n => Task.Run(() => combiner.Allocate(Request(n), () => throw new InvalidOperationException("ran alone")))).ToArray();
        Assert.True(SpinWait.SpinUntil(() => combiner.Queued == 3, TimeSpan.FromSeconds(30)));
        release.Set();

        Assert.Equal(IPAddress.Parse("10.0.0.1"), (await lone)!.IPAddress);
        var leases = await Task.WhenAll(waiting);
        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4"], leases.Select(l => l!.IPAddress.ToString()).Order());
        Assert.Equal([3], batches); // the lone caller ran alone, the three waiting ones in one batch
        Assert.Equal(1, combiner.Batches);
    }

    [Fact]
    public async Task A_failed_batch_sends_each_of_its_callers_to_allocate_alone()
    {
        var combiner = new AllocationCombiner(_ => throw new IOException("the database went away"), patience: TimeSpan.FromMinutes(5));
        using var inFlight = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var lone = Task.Run(() => combiner.Allocate(Request(1), () =>
        {
            inFlight.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return Lease(1);
        }));
        Assert.True(inFlight.Wait(TimeSpan.FromSeconds(30)));
        var waiting = Enumerable.Range(2, 2).Select(n => Task.Run(() => combiner.Allocate(Request(n), () => Lease(n + 10)))).ToArray();
        Assert.True(SpinWait.SpinUntil(() => combiner.Queued == 2, TimeSpan.FromSeconds(30)));
        release.Set();

        Assert.NotNull(await lone);
        var leases = await Task.WhenAll(waiting);
        Assert.Equal(["10.0.0.12", "10.0.0.13"], leases.Select(l => l!.IPAddress.ToString()).Order()); // their own, alone
        Assert.Equal(0, combiner.Batches);
    }

    [Fact]
    public async Task Callers_queued_behind_an_allocation_that_waits_in_the_database_go_on_without_it_after_the_patience()
    {
        var combiner = new AllocationCombiner(requests => requests.Select(r => (DhcpLease?)Lease(r)).ToArray(), patience: TimeSpan.FromMilliseconds(20));
        using var inFlight = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var stuck = Task.Run(() => combiner.Allocate(Request(1), () =>
        {
            inFlight.Set();
            release.Wait(TimeSpan.FromSeconds(60)); // waits on a row lock another server's transaction holds
            return Lease(1);
        }));
        Assert.True(inFlight.Wait(TimeSpan.FromSeconds(30)));

        var others = await Task.WhenAll(Enumerable.Range(2, 3).Select(n => Task.Run(() => combiner.Allocate(Request(n), () => Lease(n)))));
        Assert.False(stuck.IsCompleted); // the others were answered while it still waits
        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4"], others.Select(l => l!.IPAddress.ToString()).Order());
        release.Set();
        Assert.Equal(IPAddress.Parse("10.0.0.1"), (await stuck)!.IPAddress);
    }

    private static AllocationCombiner.Request Request(int n) => new(p => p.Add(new Npgsql.NpgsqlParameter { Value = n }), Durable: false);

    private static DhcpLease Lease(AllocationCombiner.Request request)
    {
        var parameters = new Npgsql.NpgsqlCommand().Parameters;
        request.Bind(parameters);
        return Lease((int)parameters[0].Value!);
    }

    private static DhcpLease Lease(int n) => new() { IPAddress = IPAddress.Parse($"10.0.0.{n}"), ClientId = $"client-{n}", AddressState = AddressState.Offered };
}
