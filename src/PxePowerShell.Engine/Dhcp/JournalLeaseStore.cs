using System.Globalization;
using System.Net;
using System.Text;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// A write-ahead journal of leases in a data directory: one checksummed text line per change, appended with
/// a single write and flushed to disk (fsync) before the call returns, so a lease survives <c>kill -9</c> at any
/// moment. The fsyncs are grouped (<see cref="JournalCommitQueue"/>): one covers every record written while the
/// previous one ran; a server that sets <see cref="DeferCommit"/> holds its replies until <see cref="WhenCommitted"/>. Opening folds the journal (dropping a torn last record) and rewrites it compacted through a
/// temporary file and an atomic rename. A lock file keeps two servers off one directory. Every failure of the file
/// system leaves as a <see cref="PxeStorageException"/> with one of the ids below.
/// </summary>
public sealed class JournalLeaseStore : IGroupCommitLeaseStore
{
    /// <summary>The journal's file name in the data directory.</summary>
    public const string FileName = "leases.journal";

    /// <summary>The ErrorId when another server holds the directory.</summary>
    public const string InUseErrorId = "DataDirectoryInUse";

    /// <summary>The ErrorId when the directory or its journal cannot be opened, read or compacted.</summary>
    public const string UnavailableErrorId = "LeaseStoreUnavailable";

    /// <summary>The ErrorId when a change could not be made durable (a full or read-only disk).</summary>
    public const string WriteFailedErrorId = "LeaseWriteFailed";

    private const string LockName = "leases.lock";
    private readonly object _gate = new();
    private readonly string _path;
    private readonly FileStream _lock;
    private readonly Dictionary<IPAddress, DhcpLease> _leases = [];
    private readonly Dictionary<IPAddress, DhcpReservation> _reservations = [];
    private readonly JournalCommitQueue _commits;
    private readonly JournalRecordWriter _record = new();
    private FileStream _journal;
    private int _generation;
    private int _records;
    private LeaseStoreContents _loaded;

    /// <summary>Opens (creating if needed) the journal in <paramref name="directory"/>.</summary>
    /// <exception cref="PxeStorageException">Another server holds the directory (tagged DataDirectoryInUse), or it cannot be written.</exception>
    public JournalLeaseStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        DataDirectory = directory;
        _path = Path.Combine(directory, FileName);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(UnavailableErrorId, $"The lease directory '{directory}' cannot be created: {ex.Message}", ex);
        }

        try
        {
            _lock = new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Failure(UnavailableErrorId, $"The lease directory '{directory}' cannot be written: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new PxeStorageException(InUseErrorId, PxeErrorCategory.ResourceBusy, $"The lease directory '{directory}' is in use by another DHCP server.", ex);
        }

        try
        {
            int discarded = Fold(_path, _leases, _reservations);
            _loaded = new LeaseStoreContents([.. _leases.Values], [.. _reservations.Values], discarded);
            _journal = Compact();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _lock.Dispose();
            throw Failure(UnavailableErrorId, $"The lease journal in '{directory}' cannot be opened for writing: {ex.Message}", ex);
        }

        _commits = new JournalCommitQueue(FlushJournal, directory);
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <inheritdoc />
    public bool DeferCommit { get; set; }

    /// <summary>fsyncs run so far (one covers every record written while the previous one ran).</summary>
    public long Flushes => _commits.Flushes;

    /// <inheritdoc />
    public Task WhenCommitted() => _commits.WhenCommitted(_commits.WrittenCount);

    /// <inheritdoc />
    public event Action? Committed
    {
        add => _commits.Committed += value;
        remove => _commits.Committed -= value;
    }

    /// <summary>Reads a journal without opening it for writing (for listing leases of a stopped server).</summary>
    /// <exception cref="PxeStorageException">The journal cannot be read.</exception>
    public static LeaseStoreContents Read(string directory)
    {
        var leases = new Dictionary<IPAddress, DhcpLease>();
        var reservations = new Dictionary<IPAddress, DhcpReservation>();
        try
        {
            int discarded = Fold(Path.Combine(directory, FileName), leases, reservations);
            return new LeaseStoreContents([.. leases.Values], [.. reservations.Values], discarded);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PxeStorageException(UnavailableErrorId, PxeErrorCategory.ReadError, $"The lease journal in '{directory}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public LeaseStoreContents Load()
    {
        lock (_gate)
        {
            return _loaded;
        }
    }

    /// <inheritdoc />
    public void SaveLease(DhcpLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        long sequence;
        lock (_gate)
        {
            Write(Lease(lease));
            _leases[lease.IPAddress] = lease;
            sequence = Written();
        }

        WaitUnlessDeferred(sequence);
    }

    /// <inheritdoc />
    public void DeleteLease(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        long sequence;
        lock (_gate)
        {
            Write(_record.Begin('D').Field(address).End());
            _leases.Remove(address);
            sequence = Written();
        }

        WaitUnlessDeferred(sequence);
    }

    /// <inheritdoc />
    public void SaveReservation(DhcpReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        long sequence;
        lock (_gate)
        {
            Write(Reservation(reservation));
            _reservations[reservation.IPAddress] = reservation;
            sequence = Written();
        }

        WaitUnlessDeferred(sequence);
    }

    /// <inheritdoc />
    public void DeleteReservation(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        long sequence;
        lock (_gate)
        {
            Write(_record.Begin('U').Field(address).End());
            _reservations.Remove(address);
            sequence = Written();
        }

        WaitUnlessDeferred(sequence);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _commits.Dispose();
        lock (_gate)
        {
            _journal.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>A lease's record: <c>L address client state expiry host</c>.</summary>
    private ReadOnlySpan<byte> Lease(DhcpLease lease) =>
        _record.Begin('L').Field(lease.IPAddress).Escaped(lease.ClientId).Plain(lease.AddressState.ToString())
            .Field(lease.LeaseExpiryTime?.ToUnixTimeMilliseconds()).Escaped(lease.HostName).End();

    /// <summary>A reservation's record: <c>R address mac name lease-seconds</c> (the same when compacted, so its own lease time survives a restart).</summary>
    private ReadOnlySpan<byte> Reservation(DhcpReservation r) =>
        _record.Begin('R').Field(r.IPAddress).Escaped(r.MacAddress).Escaped(r.Name).Field(r.LeaseDuration is { } d ? (long)d.TotalSeconds : null).End();

    /// <summary>Writes one record (under the lock; applied by the caller only once written).</summary>
    private void Write(ReadOnlySpan<byte> record)
    {
        try
        {
            // One write(2) per record, fsync'd by the commit queue: the record is either whole on disk or detectably torn.
            _journal.Write(record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not applied: the caller (the DHCP receive path) answers nothing and the client retries.
            throw Failure(WriteFailedErrorId, $"A lease change could not be written to '{_path}': {ex.Message}", ex);
        }
    }

    /// <summary>Counts a written and applied record (under the lock), compacting a journal grown past twice its contents; its sequence number.</summary>
    private long Written()
    {
        long sequence = _commits.Written();
        _records++;
        if (_records > (2 * (_leases.Count + _reservations.Count)) + 1024)
        {
            _journal.Dispose();
            _journal = Compact();
            _generation++;
        }

        return sequence;
    }

    /// <summary>Waits for the record's fsync unless the caller defers it (<see cref="DeferCommit"/>).</summary>
    private void WaitUnlessDeferred(long sequence)
    {
        if (!DeferCommit)
        {
            _commits.WaitCommitted(sequence);
        }
    }

    /// <summary>fsyncs the journal (outside the lock, so writers go on); a compaction meanwhile already fsync'd everything.</summary>
    private void FlushJournal()
    {
        FileStream journal;
        int generation;
        lock (_gate)
        {
            journal = _journal;
            generation = _generation;
        }

        try
        {
            journal.Flush(flushToDisk: true);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _generation) != generation)
        {
            // compacted while we flushed: the compacted file (fsync'd before the rename) holds every record written before
        }
    }

    private FileStream Compact()
    {
        string temp = _path + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            foreach (var r in _reservations.Values)
            {
                output.Write(Reservation(r));
            }

            foreach (var l in _leases.Values)
            {
                output.Write(Lease(l));
            }

            output.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _records = _leases.Count + _reservations.Count;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    private static PxeStorageException Failure(string errorId, string message, Exception ex) =>
        new(errorId, ex is UnauthorizedAccessException ? PxeErrorCategory.PermissionDenied : PxeErrorCategory.WriteError, message, ex);

    private static int Fold(string path, Dictionary<IPAddress, DhcpLease> leases, Dictionary<IPAddress, DhcpReservation> reservations)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] data;
        using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            data = new byte[input.Length];
            input.ReadExactly(data);
        }

        int discarded = 0;
        int start = 0;
        while (start < data.Length)
        {
            int nl = Array.IndexOf(data, (byte)'\n', start);
            if (nl < 0)
            {
                discarded++; // torn last record: the write never completed, so the lease was never acknowledged.
                break;
            }

            if (!Apply(data.AsSpan(start, nl - start), leases, reservations))
            {
                discarded++;
            }

            start = nl + 1;
        }

        return discarded;
    }

    private static bool Apply(ReadOnlySpan<byte> line, Dictionary<IPAddress, DhcpLease> leases, Dictionary<IPAddress, DhcpReservation> reservations)
    {
        if (line.Length < 10 || line[8] != (byte)' '
            || !uint.TryParse(Encoding.ASCII.GetString(line[..8]), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint crc)
            || Crc32.Compute(line[9..]) != crc)
        {
            return false;
        }

        var fields = Encoding.UTF8.GetString(line[9..]).Split('\t');
        if (fields.Length < 2 || !IPAddress.TryParse(fields[1], out var address))
        {
            return false;
        }

        switch (fields[0])
        {
            case "L" when fields.Length == 6 && Enum.TryParse<AddressState>(fields[3], out var state):
                DateTimeOffset? expiry = fields[4] == "-" ? null
                    : long.TryParse(fields[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
                leases[address] = new DhcpLease { IPAddress = address, ClientId = Unescape(fields[2]) ?? string.Empty, AddressState = state, LeaseExpiryTime = expiry, HostName = Unescape(fields[5]) };
                return true;
            case "D":
                leases.Remove(address);
                return true;
            case "R" when fields.Length is 4 or 5:
                TimeSpan? own = fields.Length == 5 && long.TryParse(fields[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? TimeSpan.FromSeconds(s) : null;
                reservations[address] = new DhcpReservation(address, Unescape(fields[2]) ?? string.Empty, Unescape(fields[3]), own);
                return true;
            case "U":
                reservations.Remove(address);
                return true;
            default:
                return false;
        }
    }

    private static string? Unescape(string value) => value.StartsWith('=') ? Uri.UnescapeDataString(value[1..]) : null;
}
