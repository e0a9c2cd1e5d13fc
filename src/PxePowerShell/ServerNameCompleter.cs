using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PxePowerShell;

/// <summary>Completes the names of the servers running in this session.</summary>
public sealed class ServerNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var server in ModuleState.Servers.Servers)
        {
            if (server.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(server.Name, server.Name, CompletionResultType.ParameterValue, $"{server.Role} {server.Name} ({server.State})");
            }
        }
    }
}
