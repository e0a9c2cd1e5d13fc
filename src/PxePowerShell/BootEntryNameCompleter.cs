using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell;

/// <summary>Completes the names of the boot entries in the data directory.</summary>
public sealed class BootEntryNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        BootConfiguration configuration;
        try
        {
            configuration = ModuleState.BootEntries.Refresh();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            yield break; // no readable entry file, no completions
        }

        foreach (var entry in configuration.Entries.OrderBy(e => e.Order).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (entry.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                string tip = $"{entry.DisplayLabel} ({entry.Kind}, {entry.Architecture}{(entry.IsDefault ? ", default" : string.Empty)})";
                yield return new CompletionResult(entry.Name, entry.Name, CompletionResultType.ParameterValue, tip);
            }
        }
    }
}
