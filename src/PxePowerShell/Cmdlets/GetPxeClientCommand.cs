using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Cmdlets;

/// <summary>Gets the clients in the inventory: every machine a DHCP, proxyDHCP, TFTP or HTTP server of the module has seen.</summary>
[Cmdlet(VerbsCommon.Get, "PxeClient")]
[OutputType(typeof(ClientRecord))]
public sealed class GetPxeClientCommand : ClientCmdlet
{
    private ClientRegistry? _registry;

    /// <summary>Only these clients: MAC addresses in any common notation; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ArgumentCompleter(typeof(ClientMacAddressCompleter))]
    [SupportsWildcards]
    public string[]? MacAddress { get; set; }

    /// <summary>Only these DHCPv6 clients: DUIDs as hex, with or without separators (<c>00-02-00-00-ab-11-...</c>).</summary>
    [Parameter]
    [Alias("ClientDuid")]
    public string[]? Duid { get; set; }

    /// <summary>Only clients of these architectures (Bios, EfiX64, …); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string[]? Architecture { get; set; }

    /// <summary>Only clients seen at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Only the client with this IP address.</summary>
    [Parameter]
    public IPAddress? IPAddress { get; set; }

    /// <summary>Read the fleet's inventory from this PostgreSQL database (a connection string) instead; no server needed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Store is null)
        {
            _registry = OpenInventory();
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        List<string>? duids = null;
        if (Duid is not null)
        {
            duids = [];
            foreach (var text in Duid)
            {
                if (Dhcp6Duid.TryParse(text, out var bytes))
                {
                    duids.Add(Dhcp6Duid.ToText(bytes));
                }
                else
                {
                    WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, text, $"-Duid: '{text}' is not a DUID; give its bytes in hex, such as 00-02-00-00-ab-11-01-02-03-04."));
                }
            }

            if (duids.Count == 0)
            {
                return;
            }
        }

        var query = new ClientQuery
        {
            Since = Since is { } since ? new DateTimeOffset(since) : null,
            IPAddress = IPAddress,
            Duids = duids,
        };
        var clients = Store is { } store ? ReadStore(() => StoreSetting.Clients(store, query)) : Inventory(() => _registry!.Get(query));
        var architectures = Architecture?.Select(a => new WildcardPattern(a, WildcardOptions.IgnoreCase)).ToArray();
        bool ArchitectureMatches(ClientRecord c) => architectures is null || (c.Architecture is { } a && architectures.Any(p => p.IsMatch(a)));
        if (duids is not null && MacAddress is null && Since is null && IPAddress is null && Architecture is null)
        {
            foreach (var duid in duids.Distinct(StringComparer.Ordinal).Where(d => !clients.Any(c => c.Duid == d)))
            {
                WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, duid, $"No client with DUID {duid} is in the inventory; Get-PxeClient lists the known clients, Get-PxeLease -Duid the DHCPv6 leases."));
            }
        }

        if (MacAddress is null)
        {
            foreach (var client in clients)
            {
                if (ArchitectureMatches(client))
                {
                    WriteObject(client);
                }
            }

            return;
        }

        var written = new HashSet<ClientRecord>(ReferenceEqualityComparer.Instance);
        foreach (var text in MacAddress)
        {
            if (WildcardPattern.ContainsWildcardCharacters(text))
            {
                var pattern = MacPattern(text);
                foreach (var client in clients.Where(c => MatchesMac(pattern, c) && ArchitectureMatches(c) && written.Add(c)))
                {
                    WriteObject(client);
                }

                continue;
            }

            if (ParseMac(text) is not { } mac)
            {
                continue;
            }

            string key = mac.ToString();
            var match = clients.FirstOrDefault(c => c.MacAddress == key);
            if (match is null)
            {
                if (Since is null && IPAddress is null && Architecture is null && Duid is null)
                {
                    WriteError(Error(ErrorIds.ClientNotFound, ErrorCategory.ObjectNotFound, text, $"No client with MAC address {key} is in the inventory; Get-PxeClient lists the known clients, Set-PxeClient registers one."));
                }

                continue;
            }

            if (ArchitectureMatches(match) && written.Add(match))
            {
                WriteObject(match);
            }
        }
    }
}
