using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Events;
using Xunit;

namespace PxePowerShell.Engine.Tests.Events;

/// <summary>
/// The linger of the background writers (client inventory, event store) on a fake clock: a woken writer waits its
/// linger time, a flush or a stop cuts the wait short, and what arrived meanwhile is written as one batch.
/// </summary>
public sealed class LingerTests
{
    private static readonly TimeSpan Time = TimeSpan.FromMilliseconds(20);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_wait_lasts_until_the_clock_passes_the_linger_time()
    {
        var linger = new Linger(Time, _clock);
        var wait = linger.WaitAsync();
        _clock.Advance(Time - TimeSpan.FromMilliseconds(1));
        Assert.False(wait.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Hurry_ends_the_wait_in_progress_without_the_clock()
    {
        var linger = new Linger(Time, _clock);
        var wait = linger.WaitAsync();
        Assert.False(wait.IsCompleted);
        linger.Hurry();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_hurry_before_the_wait_makes_it_return_at_once_and_only_that_one()
    {
        var linger = new Linger(Time, _clock);
        linger.Hurry();
        Assert.True(linger.WaitAsync().IsCompletedSuccessfully);
        Assert.False(linger.WaitAsync().IsCompleted);
    }

    [Fact]
    public void A_zero_linger_never_waits()
    {
        Assert.True(new Linger(TimeSpan.Zero, _clock).WaitAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Items_queued_while_the_writer_lingers_are_one_batch_and_a_flush_does_not_wait_for_the_clock()
    {
        var batches = new List<int>();
        var writer = new BatchWriter<string>(batch => { lock (batches) { batches.Add(batch.Count); } }, (_, _) => { }, capacity: 1000, batchSize: 512, linger: Time, clock: _clock);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(writer.TryEnqueue($"item {i}"));
        }

        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        lock (batches)
        {
            Assert.Equal([100], batches);
        }

        writer.Complete();
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_writer_that_finds_items_waiting_after_a_batch_writes_them_without_lingering()
    {
        var batches = new List<int>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new SemaphoreSlim(0);
        var writer = new BatchWriter<string>(
            batch =>
            {
                int count;
                lock (batches)
                {
                    batches.Add(batch.Count);
                    count = batches.Count;
                }

                if (count == 1)
                {
                    firstStarted.SetResult();
                    release.Wait(); // a slow store: items queue up behind this batch
                }
                else
                {
                    secondWritten.TrySetResult();
                }
            },
            (_, _) => { },
            capacity: 1000,
            batchSize: 512,
            linger: Time,
            clock: _clock);

        writer.TryEnqueue("first");
        var flush = writer.FlushAsync(CancellationToken.None); // ends the idle writer's linger
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 3; i++)
        {
            writer.TryEnqueue($"queued {i}");
        }

        release.Release();
        await flush.WaitAsync(TimeSpan.FromSeconds(10));
        await secondWritten.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the fake clock never moved
        lock (batches)
        {
            Assert.Equal([1, 3], batches);
        }

        writer.Complete();
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_stop_writes_what_is_queued_without_waiting_for_the_clock()
    {
        int written = 0;
        var writer = new BatchWriter<string>(batch => Interlocked.Add(ref written, batch.Count), (_, _) => { }, capacity: 1000, batchSize: 512, linger: Time, clock: _clock);
        writer.TryEnqueue("a");
        writer.TryEnqueue("b");
        writer.Complete();
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, written);
    }
}
