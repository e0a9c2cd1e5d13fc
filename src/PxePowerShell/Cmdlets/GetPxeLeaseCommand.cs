using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Cmdlets;

/// <summary>Lists the leases of the running DHCP and DHCPv6 servers, of a lease journal on disk, or of the fleet's database.</summary>
[Cmdlet(VerbsCommon.Get, "PxeLease", DefaultParameterSetName = Running)]
[OutputType(typeof(DhcpLease), typeof(Dhcp6Lease))]
public sealed class GetPxeLeaseCommand : LeaseCmdlet
{
    private const string Running = "Server";
    private const string OnDisk = "DataDirectory";
    private const string Fleet = "Store";

    /// <summary>Names of the DHCP servers; wildcards allowed. Default: every running DHCP server.</summary>
    [Parameter(ParameterSetName = Running, ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [SupportsWildcards]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Server { get; set; }

    /// <summary>Read the lease journal in this directory instead (no server needed).</summary>
    [Parameter(Mandatory = true, ParameterSetName = OnDisk)]
    [ValidateNotNullOrEmpty]
    public string? DataDirectory { get; set; }

    /// <summary>Read every lease of the fleet from this PostgreSQL database (a connection string) instead; no server needed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = Fleet)]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>Only these addresses.</summary>
    [Parameter(Position = 0)]
    public IPAddress[]? IPAddress { get; set; }

    /// <summary>Only these clients (MAC address in any common notation).</summary>
    [Parameter]
    [Alias("ClientId")]
    public string[]? MacAddress { get; set; }

    /// <summary>Only these IPv6 clients (DUID as hex, with or without separators).</summary>
    [Parameter]
    [Alias("ClientDuid")]
    public string[]? Duid { get; set; }

    /// <summary>Only leases in these states.</summary>
    [Parameter]
    public AddressState[]? AddressState { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        HashSet<string>? macs = null;
        if (MacAddress is not null)
        {
            macs = [];
            foreach (var text in MacAddress)
            {
                if (NormalizeMac(text) is { } mac)
                {
                    macs.Add(mac);
                }
            }

            if (macs.Count == 0)
            {
                return;
            }
        }

        HashSet<string>? duids = null;
        if (Duid is not null)
        {
            duids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var text in Duid)
            {
                if (Dhcp6Duid.TryParse(text, out var bytes))
                {
                    duids.Add(Dhcp6Duid.ToText(bytes));
                }
                else
                {
                    WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, text, $"-Duid: '{text}' is not a DUID; give its bytes in hex, such as 00-03-00-01-52-54-00-12-34-56."));
                }
            }

            if (duids.Count == 0)
            {
                return;
            }
        }

        if (ParameterSetName == Fleet)
        {
            var (v4, v6) = ReadStore(() => StoreSetting.Leases(Store!));
            foreach (var (lease, server) in v4)
            {
                Write([lease], server);
            }

            foreach (var (lease, server) in v6)
            {
                Write6([Dhcp6Lease.From(lease, null)], server);
            }

            return;
        }

        if (ParameterSetName == OnDisk)
        {
            string directory = ResolvePath(DataDirectory!);
            if (!File.Exists(Path.Combine(directory, JournalLeaseStore.FileName)))
            {
                ThrowTerminatingError(Error(ErrorIds.LeaseNotFound, ErrorCategory.ObjectNotFound, DataDirectory, $"There is no lease journal ({JournalLeaseStore.FileName}) in '{directory}'; pass the -DataDirectory of a DHCP server."));
            }

            // Through the storage seam, as the host reads it: an embedded store whose lease journal is this directory.
            using var storage = new EmbeddedStorage(directory, directory);
            WriteStored(storage);
            return;
        }

        foreach (var server in FindLeaseServers(Server))
        {
            if (server is Dhcp6Server v6)
            {
                Write6(v6.GetLeases6(), v6.Name);
            }
            else if (server is DhcpServer v4)
            {
                Write(v4.GetLeases(), v4.Name);
            }
        }

        // The leases kept in a store (no server running; Server is then empty). A store with one journal for both
        // families (the embedded one over a server's -DataDirectory) is read once, its family told by its addresses.
        void WriteStored(IPxeStorage storage)
        {
            foreach (var family in new[] { LeaseFamily.IPv4, LeaseFamily.IPv6 })
            {
                var leases = storage.Leases(family);
                if (family == LeaseFamily.IPv6 && ReferenceEquals(leases, storage.Leases(LeaseFamily.IPv4)))
                {
                    break;
                }

                LeaseStoreContents contents;
                try
                {
                    contents = leases.Read();
                }
                catch (Engine.PxeStorageException ex)
                {
                    ThrowTerminatingError(Error(ex, DataDirectory));
                    return;
                }

                if (contents.DiscardedRecords > 0)
                {
                    WriteWarning($"{contents.DiscardedRecords} torn or corrupt record(s) in the journal were skipped.");
                }

                if (contents.Leases.Any(l => l.IPAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6))
                {
                    Write6(contents.Leases.Select(l => Dhcp6Lease.From(l, null)), null); // a DHCPv6 server's leases6 journal
                }
                else
                {
                    Write(contents.Leases, null);
                }
            }
        }

        void Write6(IEnumerable<Dhcp6Lease> leases, string? server)
        {
            foreach (var lease in leases)
            {
                if ((IPAddress is null || IPAddress.Contains(lease.IPAddress))
                    && (macs is null || (lease.MacAddress is not null && macs.Contains(lease.MacAddress)))
                    && (duids is null || duids.Contains(lease.Duid))
                    && (AddressState is null || AddressState.Contains(lease.AddressState)))
                {
                    WriteObject(WithServer(lease, server));
                }
            }
        }

        void Write(IEnumerable<DhcpLease> leases, string? server)
        {
            if (duids is not null)
            {
                return; // IPv4 leases have no DUID
            }

            foreach (var lease in leases.OrderBy(l => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(l.IPAddress.GetAddressBytes())))
            {
                if ((IPAddress is null || IPAddress.Contains(lease.IPAddress))
                    && (macs is null || macs.Contains(lease.ClientId))
                    && (AddressState is null || AddressState.Contains(lease.AddressState)))
                {
                    WriteObject(WithServer(lease, server));
                }
            }
        }
    }
}
