using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PxePowerShell;

/// <summary>Completes -Role with the kinds of server the module runs.</summary>
public sealed class RoleCompleter : IArgumentCompleter
{
    private static readonly (string, string)[] Roles =
    [
        ("Pxe", "Start-PxeServer: the composite of the parts below"),
        ("ProxyDhcp", "Start-PxeProxyDhcp: boot options beside another DHCP server"),
        ("Dhcp", "Start-PxeDhcpServer: addresses and boot options"),
        ("Tftp", "Start-PxeTftpServer"),
        ("Http", "Start-PxeHttpServer"),
    ];

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionFilter.StartingWith(wordToComplete, Roles);
}
