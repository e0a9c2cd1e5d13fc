using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PxePowerShell;

/// <summary>Completes -Interface with this machine's network interfaces (eth0, enp3s0, lo…), their IPv4 addresses as tips.</summary>
public sealed class InterfaceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = Engine.Net.NetworkInterfaces.GetAll();
        }
        catch (Exception ex) when (ex is NetworkInformationException or Engine.PxeException)
        {
            return [];
        }

        return CompletionFilter.StartingWith(wordToComplete, interfaces.OrderBy(i => i.Name, StringComparer.Ordinal).Select(i => (i.Name, Describe(i))));
    }

    private static string Describe(NetworkInterface i)
    {
        var addresses = i.GetIPProperties().UnicastAddresses.Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork).Select(a => $"{a.Address}/{a.PrefixLength}");
        return $"{i.Name} ({i.OperationalStatus}) {string.Join(", ", addresses)}".TrimEnd();
    }
}
