using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PxePowerShell.Engine.Net;

namespace PxePowerShell;

/// <summary>Completes the MAC addresses of the clients in the inventory.</summary>
public sealed class ClientMacAddressCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"').ToLowerInvariant().Replace(':', '-');
        IReadOnlyList<Engine.Clients.ClientRecord> clients;
        try
        {
            clients = ModuleState.Clients.Get();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            yield break; // no inventory, no completions
        }

        foreach (var client in clients)
        {
            if (client.MacAddress is { } mac && mac.StartsWith(prefix, StringComparison.Ordinal))
            {
                string tip = $"{mac} {client.IPAddress} {client.Architecture} {client.HostName} {client.BootEntry}".Trim();
                yield return new CompletionResult(mac, mac, CompletionResultType.ParameterValue, tip);
            }
        }
    }
}
