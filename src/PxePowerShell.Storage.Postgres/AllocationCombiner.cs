using System.Diagnostics;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// Combines the allocations that several threads (a DHCP server's workers) ask for at the same moment into one database
/// round trip: the first caller runs its own allocation together with every one that arrived meanwhile, in one batch
/// (one implicit transaction: all are written or none), the others wait for it and one of them leads the next
/// batch (beside the one in flight when that takes longer than <see cref="Patience"/>). A caller gets its lease only after the batch's commit, as alone. When a batch fails as a whole (an allocation
/// of it met a concurrent server's, the database went away) each of its callers allocates again alone, with the
/// single allocation's retries and errors. Under a load of one client at a time nothing waits: a lone caller runs alone.
/// </summary>
internal sealed class AllocationCombiner
{
    /// <summary>The default of <see cref="Patience"/>: 50 ms, some tens of batches' round trips.</summary>
    internal static readonly TimeSpan DefaultPatience = TimeSpan.FromMilliseconds(50);

    private readonly object _gate = new();
    private readonly Func<IReadOnlyList<Request>, DhcpLease?[]> _runBatch;
    private List<Request> _queue = [];
    private int _inFlight;
    private long _lastStart;

    /// <param name="runBatch">Runs the requests' allocations in one round trip and transaction, returning their leases in order; throws when it failed.</param>
    /// <param name="patience">How long callers queued behind a batch in flight wait for it before they start the next one beside it (default <see cref="DefaultPatience"/>).</param>
    public AllocationCombiner(Func<IReadOnlyList<Request>, DhcpLease?[]> runBatch, TimeSpan? patience = null)
    {
        _runBatch = runBatch;
        Patience = patience ?? DefaultPatience;
    }

    /// <summary>How long the callers queued behind a batch in flight wait for it before they start the next one beside it.</summary>
    public TimeSpan Patience { get; }

    /// <summary>Callers waiting for the batch in flight to finish.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Batches that held more than one allocation.</summary>
    public long Batches { get; private set; }

    /// <summary>Allocates with <paramref name="request"/>, in a batch with concurrent callers, or with <paramref name="alone"/> when there are none or the batch failed.</summary>
    public DhcpLease? Allocate(Request request, Func<DhcpLease?> alone)
    {
        List<Request> batch;
        lock (_gate)
        {
            if (_inFlight == 0 && _queue.Count == 0)
            {
                batch = []; // nobody else: the single allocation, no batch
            }
            else
            {
                _queue.Add(request);
                while (true)
                {
                    if (request.Taken)
                    {
                        if (request.Done)
                        {
                            break;
                        }

                        Monitor.Wait(_gate); // in another caller's batch
                        continue;
                    }

                    // The next batch starts when the one in flight ends, or when it has taken longer than Patience (it
                    // waits in the database, on a row lock of another server's transaction): a stuck allocation holds up
                    // the callers of its own batch, never the ones after it.
                    var waited = Stopwatch.GetElapsedTime(_lastStart);
                    if (_inFlight == 0 || waited >= Patience)
                    {
                        break;
                    }

                    Monitor.Wait(_gate, Patience - waited);
                }

                if (request.Done)
                {
                    batch = [];
                }
                else
                {
                    batch = _queue;
                    _queue = [];
                    foreach (var r in batch)
                    {
                        r.Taken = true;
                    }
                }
            }

            if (!request.Done)
            {
                _inFlight++;
                _lastStart = Stopwatch.GetTimestamp();
            }
        }

        if (request.Done)
        {
            return request.Failed ? alone() : request.Lease; // another caller's batch had it
        }

        try
        {
            if (batch.Count == 0)
            {
                return alone();
            }

            Run(batch);
            return request.Failed ? alone() : request.Lease;
        }
        finally
        {
            lock (_gate)
            {
                foreach (var r in batch)
                {
                    r.Done = true;
                }

                _inFlight--;
                Monitor.PulseAll(_gate); // the batch's callers return; those queued meanwhile start the next batch
            }
        }
    }

    private void Run(List<Request> batch)
    {
        if (batch.Count == 1)
        {
            batch[0].Failed = true; // only the leader's own: it runs alone
            return;
        }

        try
        {
            var leases = _runBatch(batch);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Lease = leases[i];
            }

            lock (_gate)
            {
                Batches++;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var r in batch)
            {
                r.Failed = true; // nothing of the batch was written: each allocates again alone
            }
        }
    }

    /// <summary>One caller's allocation: its statement's parameters, and what became of it.</summary>
    /// <param name="Bind">Adds the allocation's parameters to a statement.</param>
    /// <param name="Durable">True when its commit must wait for the disk (a lease to acknowledge, not an offer).</param>
    internal sealed record Request(Action<Npgsql.NpgsqlParameterCollection> Bind, bool Durable)
    {
        /// <summary>The lease the batch gave (null: the range is exhausted).</summary>
        public DhcpLease? Lease { get; set; }

        /// <summary>True when the batch failed (or it ran alone): the caller allocates alone.</summary>
        public bool Failed { get; set; }

        /// <summary>True once a batch holds it.</summary>
        public bool Taken { get; set; }

        /// <summary>True once the batch holding it has finished.</summary>
        public bool Done { get; set; }
    }
}
