using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Removes leases from a running DHCP server (the address becomes free).</summary>
[Cmdlet(VerbsCommon.Remove, "PxeLease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DhcpLease))]
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
            if (!RequireIPv4(address, "Remove-PxeLease") || FindServer(Server, address) is not { } server)
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
}
