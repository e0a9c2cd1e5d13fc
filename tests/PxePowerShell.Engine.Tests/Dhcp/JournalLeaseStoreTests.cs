using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class JournalLeaseStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-journal-" + Guid.NewGuid().ToString("N"));

    private static DhcpLease Lease(int n, AddressState state = AddressState.Active, string? host = null) => new()
    {
        IPAddress = IPAddress.Parse($"10.201.1.{n}"),
        ClientId = $"52-54-00-00-00-{n:x2}",
        HostName = host,
        AddressState = state,
        LeaseExpiryTime = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000 + n),
    };

    [Fact]
    public void Writes_are_readable_after_a_crash_without_dispose()
    {
        var store = new JournalLeaseStore(_dir);
        for (int i = 1; i <= 20; i++)
        {
            store.SaveLease(Lease(i, host: i == 3 ? "host with\ttab/ünïcode" : null));
        }

        store.DeleteLease(IPAddress.Parse("10.201.1.5"));
        store.SaveReservation(new DhcpReservation(IPAddress.Parse("10.201.1.100"), "AA:BB:CC:DD:EE:FF", "printer"));

        // "Crash": never dispose; a reader sees everything already on disk.
        var contents = JournalLeaseStore.Read(_dir);
        Assert.Equal(19, contents.Leases.Count);
        Assert.Equal("host with\ttab/ünïcode", contents.Leases.Single(l => l.IPAddress.Equals(IPAddress.Parse("10.201.1.3"))).HostName);
        Assert.Equal(Lease(7), contents.Leases.Single(l => l.IPAddress.Equals(IPAddress.Parse("10.201.1.7"))));
        Assert.Equal("aa-bb-cc-dd-ee-ff", Assert.Single(contents.Reservations).MacAddress);
        Assert.Equal(0, contents.DiscardedRecords);
        store.Dispose();
    }

    [Fact]
    public void Records_keep_the_journal_line_format_byte_for_byte()
    {
        // crc32 (8 lowercase hex digits of the UTF-8 body) SP body LF; free text percent-encoded behind "=", none as "-".
        using (var store = new JournalLeaseStore(_dir))
        {
            store.SaveLease(Lease(3, AddressState.Offered, host: "host with\ttab/ünïcode"));
            store.SaveLease(new DhcpLease { IPAddress = IPAddress.Parse("10.201.1.4"), ClientId = "01-02", AddressState = AddressState.Declined });
            store.DeleteLease(IPAddress.Parse("10.201.1.9"));
            store.SaveReservation(new DhcpReservation(IPAddress.Parse("10.201.1.100"), "AA:BB:CC:DD:EE:FF", "printer", TimeSpan.FromHours(2)));
            store.SaveReservation(new DhcpReservation(IPAddress.Parse("10.201.1.101"), "AA:BB:CC:DD:EE:00", null));
            store.DeleteReservation(IPAddress.Parse("10.201.1.101"));
        }

        string[] bodies =
        [
            "L\t10.201.1.3\t=52-54-00-00-00-03\tOffered\t1800000000003\t=host%20with%09tab%2F%C3%BCn%C3%AFcode",
            "L\t10.201.1.4\t=01-02\tDeclined\t-\t-",
            "D\t10.201.1.9",
            "R\t10.201.1.100\t=aa-bb-cc-dd-ee-ff\t=printer\t7200",
            "R\t10.201.1.101\t=aa-bb-cc-dd-ee-00\t-\t-",
            "U\t10.201.1.101",
        ];
        var expected = bodies.Select(b => Crc32.Compute(System.Text.Encoding.UTF8.GetBytes(b)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + " " + b + "\n");
        var written = File.ReadAllText(Path.Combine(_dir, JournalLeaseStore.FileName), System.Text.Encoding.UTF8);

        Assert.Equal(string.Concat(expected), written);
    }

    [Fact]
    public void A_reservations_own_lease_time_survives_the_compaction_of_every_open()
    {
        // Each open compacts the journal; the compacted record once left the lease time out, so the second restart lost it.
        var address = IPAddress.Parse("10.201.1.100");
        using (var store = new JournalLeaseStore(_dir))
        {
            store.SaveReservation(new DhcpReservation(address, "AA:BB:CC:DD:EE:FF", "printer", TimeSpan.FromHours(2)));
        }

        new JournalLeaseStore(_dir).Dispose(); // first restart: compacts
        using (var reopened = new JournalLeaseStore(_dir))
        {
            Assert.Equal(TimeSpan.FromHours(2), Assert.Single(reopened.Load().Reservations).LeaseDuration);
        }

        Assert.Equal(TimeSpan.FromHours(2), Assert.Single(JournalLeaseStore.Read(_dir).Reservations).LeaseDuration);
    }

    [Fact]
    public void A_torn_last_record_is_dropped_and_the_rest_kept()
    {
        using (var store = new JournalLeaseStore(_dir))
        {
            for (int i = 1; i <= 3; i++)
            {
                store.SaveLease(Lease(i));
            }
        }

        var path = Path.Combine(_dir, JournalLeaseStore.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 7).ToArray()); // cut into the last record

        using (var store = new JournalLeaseStore(_dir))
        {
            var contents = store.Load();
            Assert.Equal(2, contents.Leases.Count);
            Assert.Equal(1, contents.DiscardedRecords);
            store.SaveLease(Lease(9));
        }

        // Compaction on open rewrote the journal cleanly; the next open loses nothing.
        using (var store = new JournalLeaseStore(_dir))
        {
            Assert.Equal(3, store.Load().Leases.Count);
            Assert.Equal(0, store.Load().DiscardedRecords);
        }
    }

    [Fact]
    public void A_corrupt_record_in_the_middle_is_skipped()
    {
        using (var store = new JournalLeaseStore(_dir))
        {
            for (int i = 1; i <= 3; i++)
            {
                store.SaveLease(Lease(i));
            }
        }

        var path = Path.Combine(_dir, JournalLeaseStore.FileName);
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("10.201.1.", "10.201.9.", StringComparison.Ordinal); // checksum no longer matches
        File.WriteAllLines(path, lines);
        var contents = JournalLeaseStore.Read(_dir);
        Assert.Equal(2, contents.Leases.Count);
        Assert.Equal(1, contents.DiscardedRecords);
    }

    [Fact]
    public void Compaction_keeps_the_journal_small()
    {
        using (var store = new JournalLeaseStore(_dir))
        {
            for (int round = 0; round < 300; round++)
            {
                for (int i = 1; i <= 5; i++)
                {
                    store.SaveLease(Lease(i) with { LeaseExpiryTime = DateTimeOffset.FromUnixTimeSeconds(round) });
                }
            }
        }

        Assert.True(File.ReadAllLines(Path.Combine(_dir, JournalLeaseStore.FileName)).Length < 1100);
        Assert.Equal(5, JournalLeaseStore.Read(_dir).Leases.Count);
        Assert.All(JournalLeaseStore.Read(_dir).Leases, l => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(299), l.LeaseExpiryTime));
    }

    [Fact]
    public void Two_servers_cannot_share_a_directory()
    {
        using var first = new JournalLeaseStore(_dir);
        var ex = Assert.Throws<PxeStorageException>(() => new JournalLeaseStore(_dir));
        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
        Assert.Equal("DataDirectoryInUse", ex.ErrorId);
        Assert.Equal(PxeErrorCategory.ResourceBusy, ex.Category);
    }

    [Fact]
    public void A_directory_that_cannot_be_created_fails_as_a_storage_error_with_its_id()
    {
        // A regular file where a directory must be: refused even to root, like a read-only mount.
        File.WriteAllText(_dir, "not a directory");
        try
        {
            var ex = Assert.Throws<PxeStorageException>(() => new JournalLeaseStore(Path.Combine(_dir, "leases")));
            Assert.Equal(JournalLeaseStore.UnavailableErrorId, ex.ErrorId);
            Assert.Equal(PxeErrorCategory.WriteError, ex.Category);
            Assert.Contains(_dir, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(_dir);
        }
    }

    [Fact]
    public void A_journal_that_cannot_be_rewritten_fails_as_a_storage_error_with_its_id()
    {
        Directory.CreateDirectory(Path.Combine(_dir, JournalLeaseStore.FileName)); // a directory where the journal file must be
        var ex = Assert.Throws<PxeStorageException>(() => new JournalLeaseStore(_dir));
        Assert.Equal(JournalLeaseStore.UnavailableErrorId, ex.ErrorId);
        var again = Assert.Throws<PxeStorageException>(() => new JournalLeaseStore(_dir));
        Assert.Equal(JournalLeaseStore.UnavailableErrorId, again.ErrorId); // not DataDirectoryInUse: the failed open released its lock
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
