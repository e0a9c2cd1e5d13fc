using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// The group commit of the lease journal, driven step by step: a scripted "disk" whose fsync the test holds and
/// releases, records appended to a simulated file before they are counted (as the journal does), so a waiter can
/// check that the flush that released it really covered its record.
/// </summary>
public sealed class JournalCommitQueueTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly object _file = new();
    private readonly SemaphoreSlim _flushStarted = new(0);
    private readonly SemaphoreSlim _allowFlush = new(0);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-commit-" + Guid.NewGuid().ToString("N"));
    private int _appended;
    private int _durable;
    private Exception? _failNext;

    [Fact]
    public async Task Records_written_during_a_flush_share_the_next_flush_and_no_waiter_leaves_early()
    {
        using var queue = new JournalCommitQueue(Flush, "test");
        long first = Append(queue);
        var firstDone = queue.WhenCommitted(first);
        Assert.True(await _flushStarted.WaitAsync(Timeout), "the first flush never started");

        // 50 writers while the first fsync is in flight: none of them may be released by it.
        var writers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            long mine = Append(queue);
            await queue.WhenCommitted(mine);
            Assert.True(Volatile.Read(ref _durable) >= mine, $"record {mine} released with only {_durable} durable");
        })).ToArray();
        await WaitUntilAsync(() => queue.WrittenCount == 51);
        Assert.False(firstDone.IsCompleted);
        Assert.DoesNotContain(writers, w => w.IsCompleted);

        _allowFlush.Release(); // the first fsync ends: it covered record 1 only
        await firstDone.WaitAsync(Timeout);
        Assert.True(await _flushStarted.WaitAsync(Timeout), "the second flush never started");
        Assert.DoesNotContain(writers, w => w.IsCompleted);
        _allowFlush.Release(); // one fsync for all 50
        await Task.WhenAll(writers).WaitAsync(Timeout);

        Assert.Equal(2, queue.Flushes);
        Assert.Equal(51, _durable);
    }

    [Fact]
    public async Task A_failing_flush_fails_its_waiters_with_a_storage_error_and_the_next_flush_goes_on()
    {
        using var queue = new JournalCommitQueue(Flush, "/data/leases");
        _failNext = new IOException("EIO");
        long doomed = Append(queue);
        var failed = queue.WhenCommitted(doomed);
        Assert.True(await _flushStarted.WaitAsync(Timeout));
        _allowFlush.Release();

        var ex = await Assert.ThrowsAsync<PxeStorageException>(() => failed.WaitAsync(Timeout));
        Assert.Equal("JournalFlushFailed", ex.ErrorId);
        Assert.Equal(PxeErrorCategory.WriteError, ex.Category);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Contains("/data/leases", ex.Message, StringComparison.Ordinal);
        Assert.Throws<PxeStorageException>(() => queue.WaitCommitted(doomed)); // once failed, not silently committed later

        long next = Append(queue);
        var later = queue.WhenCommitted(next);
        Assert.True(await _flushStarted.WaitAsync(Timeout));
        _allowFlush.Release();
        await later.WaitAsync(Timeout);
        Assert.Equal(2, _durable);
    }

    [Fact]
    public async Task The_commit_notice_comes_on_the_flusher_after_its_waiters_are_released_and_before_the_next_flush()
    {
        using var noticed = new SemaphoreSlim(0); // disposed after the queue, whose closing notice releases it once more
        using var queue = new JournalCommitQueue(Flush, "test");
        var notices = new List<(bool Pool, bool FirstDone, int FlushesStarted)>();
        long first = Append(queue);
        var firstDone = queue.WhenCommitted(first);
        queue.Committed += () =>
        {
            lock (notices)
            {
                notices.Add((Thread.CurrentThread.IsThreadPoolThread, firstDone.IsCompletedSuccessfully, _flushStarted.CurrentCount));
                if (notices.Count == 1)
                {
                    Append(queue); // as a DHCP server writing the next lease meanwhile: its flush comes after the notice
                }
            }

            noticed.Release();
        };
        Assert.True(await _flushStarted.WaitAsync(Timeout));
        _allowFlush.Release();
        Assert.True(await noticed.WaitAsync(Timeout), "no notice after the first flush");

        lock (notices)
        {
            var (pool, done, started) = notices[0];
            Assert.False(pool, "the notice came from a thread-pool thread");
            Assert.True(done, "the notice came before the waiters of its flush were released");
            Assert.Equal(0, started); // the next flush had not started
        }

        Assert.True(await _flushStarted.WaitAsync(Timeout), "the record written during the notice was never flushed");
        _allowFlush.Release(2); // the second flush, and the one Dispose runs if anything were left
        await queue.WhenCommitted(first + 1).WaitAsync(Timeout);
        Assert.True(await noticed.WaitAsync(Timeout), "no notice after the second flush");
        Assert.Equal(0, noticed.CurrentCount); // one notice per flush
    }

    [Fact]
    public async Task Dispose_flushes_what_is_pending_before_it_returns()
    {
        var queue = new JournalCommitQueue(Flush, "test");
        _allowFlush.Release(10);
        long last = 0;
        for (int i = 0; i < 5; i++)
        {
            last = Append(queue);
        }

        var pending = queue.WhenCommitted(last);
        queue.Dispose();
        await pending.WaitAsync(Timeout);
        Assert.Equal(5, _durable);
        await Assert.ThrowsAsync<PxeStorageException>(() => queue.WhenCommitted(last + 1));
    }

    [Fact]
    public async Task The_journal_groups_fsyncs_of_concurrent_deferred_saves_and_every_lease_reloads()
    {
        using (var store = new JournalLeaseStore(_dir) { DeferCommit = true })
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
            {
                for (int i = 0; i < 250; i++)
                {
                    int n = (t * 250) + i;
                    store.SaveLease(new DhcpLease { IPAddress = new IPAddress([10, 9, (byte)(n >> 8), (byte)n]), ClientId = $"client-{n}", AddressState = AddressState.Active });
                    await store.WhenCommitted();
                }
            })));
            Assert.True(store.Flushes < 2000, $"{store.Flushes} fsyncs for 2000 records");
            Assert.Equal(2000, JournalLeaseStore.Read(_dir).Leases.Count); // on disk before Dispose
        }

        using var reopened = new JournalLeaseStore(_dir);
        Assert.Equal(2000, reopened.Load().Leases.Count);
    }

    public void Dispose()
    {
        _flushStarted.Dispose();
        _allowFlush.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private long Append(JournalCommitQueue queue)
    {
        lock (_file)
        {
            _appended++;
            return queue.Written();
        }
    }

    private void Flush()
    {
        int snapshot = Volatile.Read(ref _appended);
        _flushStarted.Release();
        if (!_allowFlush.Wait(Timeout))
        {
            throw new TimeoutException("the test never released the flush");
        }

        if (Interlocked.Exchange(ref _failNext, null) is { } failure)
        {
            throw failure;
        }

        Volatile.Write(ref _durable, snapshot);
    }
}
