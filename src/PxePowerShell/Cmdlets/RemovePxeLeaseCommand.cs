using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Removes leases from a running DHCP server (the address becomes free); IPv6 addresses from a running DHCPv6 server
/// (like Remove-DhcpServerv6Lease, Kea's lease6-del).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PxeLease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DhcpLease), typeof(Dhcp6Lease))]
public sealed class RemovePxeLeaseCommand : LeaseCmdlet
{
    /// <summary>The leased addresses to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public IPAddress[] IPAddress { get; set; } = [];

    /// <summary>The DHCP server that holds the leases; optional when only one runs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string? Server { get; set; }

    /// <summary>Write the removed leases to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var address in IPAddress)
        {
            if (IsIPv6(address))
            {
                Remove6(address);
                continue;
            }

            if (FindServer(Server, address) is not { } server)
            {
                continue;
            }

            var lease = server.GetLeases().FirstOrDefault(l => l.IPAddress.Equals(address));
            if (lease is null)
            {
                WriteError(Error(ErrorIds.LeaseNotFound, ErrorCategory.ObjectNotFound, address, $"The DHCP server '{server.Name}' has no lease for {address}; Get-PxeLease lists them."));
                continue;
            }

            if (!ShouldProcess($"lease {address} ({lease.ClientId}, {lease.AddressState}) on DHCP server '{server.Name}'", "Remove"))
            {
                continue;
            }

            bool removed;
            try
            {
                removed = server.RemoveLease(address);
            }
            catch (InvalidOperationException ex)
            {
                WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.InvalidOperation, address, ex.Message, ex));
                continue;
            }

            if (!removed)
            {
                WriteError(Error(ErrorIds.LeaseNotFound, ErrorCategory.ObjectNotFound, address, $"The DHCP server '{server.Name}' no longer has a lease for {address}."));
                continue;
            }

            WriteVerbose($"Removed the lease of {address} ({lease.ClientId}) from '{server.Name}'.");
            if (PassThru)
            {
                WriteObject(WithServer(lease, server.Name));
            }
        }
    }

    /// <summary>Removes the lease of an IPv6 address from the DHCPv6 server.</summary>
    private void Remove6(IPAddress address)
    {
        if (FindServer6(Server, address) is not { } server)
        {
            return;
        }

        var lease = server.GetLeases6().FirstOrDefault(l => l.IPAddress.Equals(address));
        if (lease is null)
        {
            WriteError(Error(ErrorIds.LeaseNotFound, ErrorCategory.ObjectNotFound, address, $"The DHCPv6 server '{server.Name}' has no lease for {address}; Get-PxeLease lists them."));
            return;
        }

        if (!ShouldProcess($"lease {address} (DUID {lease.Duid}, {lease.AddressState}) on DHCPv6 server '{server.Name}'", "Remove"))
        {
            return;
        }

        bool removed;
        try
        {
            removed = server.RemoveLease(address);
        }
        catch (InvalidOperationException ex)
        {
            WriteRefusal(ex, address);
            return;
        }

        if (!removed)
        {
            WriteError(Error(ErrorIds.LeaseNotFound, ErrorCategory.ObjectNotFound, address, $"The DHCPv6 server '{server.Name}' no longer has a lease for {address}."));
            return;
        }

        WriteVerbose($"Removed the lease of {address} (DUID {lease.Duid}) from '{server.Name}'.");
        if (PassThru)
        {
            WriteObject(WithServer(lease, server.Name));
        }
    }
}
