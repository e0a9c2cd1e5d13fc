using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Files;

namespace PxePowerShell;

/// <summary>
/// The shared half of the cmdlets that serve a boot root (TFTP, HTTP): -Root and -Address, and the boot
/// namespace built over the root, so TFTP and HTTP resolve paths the same way.
/// </summary>
public abstract class StartFileServerCmdlet : StartServerCmdlet
{
    /// <summary>The directory to serve.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "TftpRoot")]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = string.Empty;

    /// <summary>The local address to listen on (default: every IPv4 address).</summary>
    [Parameter]
    [Alias("IPAddress", "ListenAddress")]
    public IPAddress Address { get; set; } = IPAddress.Any;

    /// <summary>Resolves -Root against the current location; a terminating RootNotFound error when it is not a directory.</summary>
    protected string ResolveRoot(string what)
    {
        string root = ResolvePath(Root);
        if (!Directory.Exists(root))
        {
            ThrowTerminatingError(Error(ErrorIds.RootNotFound, ErrorCategory.ObjectNotFound, Root, $"The {what} root '{root}' does not exist or is not a directory; create it or pass another -Root."));
        }

        return root;
    }

    /// <summary>The boot namespace served from <paramref name="root"/>.</summary>
    protected static BootNamespace CreateNamespace(string root) => new(root);
}
