namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// A lease store that can group its commits: with <see cref="DeferCommit"/> set, a save returns once the record is
/// written (not yet flushed) and the caller holds every reply until <see cref="WhenCommitted"/> completes, so one
/// flush covers many requests and still no acknowledgement leaves before its lease is durable.
/// </summary>
public interface IGroupCommitLeaseStore : ILeaseStore
{
    /// <summary>When true, saves and deletes return before their record is durable (the caller awaits <see cref="WhenCommitted"/>).</summary>
    bool DeferCommit { get; set; }

    /// <summary>
    /// Completes when every record written so far is durable (at once when none is pending); faults with a
    /// <see cref="PxeStorageException"/> when the flush covering them failed.
    /// </summary>
    Task WhenCommitted();

    /// <summary>
    /// Raised after each commit has completed the <see cref="WhenCommitted"/> tasks it covered (successfully or not),
    /// on the thread that ran it: handlers must be quick and must never wait for a commit. The DHCP server sends the
    /// replies a commit released from here.
    /// </summary>
    event Action? Committed;
}
