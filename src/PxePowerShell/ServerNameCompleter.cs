using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PxePowerShell;

/// <summary>Completes the names of the servers running in this session.</summary>
public sealed class ServerNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionFilter.StartingWith(wordToComplete, ModuleState.Servers.Servers.Select(s => (s.Name, $"{s.Role} {s.Name} ({s.State})")));
}
