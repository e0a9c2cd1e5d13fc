using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell;

/// <summary>
/// Completes -Architecture: the platforms of boot entries (Bios, EfiIA32, EfiX64, EfiArm64, EfiArm32, EfiRiscV64, EfiLoongArch64,
/// Efi, All) for the boot-entry and boot-menu cmdlets, the client architectures of RFC 4578 (Bios, EfiX64, EfiArm64Http…) for the others.
/// </summary>
public sealed class ArchitectureCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        bool boot = commandName.Contains("PxeBoot", StringComparison.OrdinalIgnoreCase);
        var names = boot
            ? Enum.GetNames<BootArchitecture>().Where(n => n != nameof(BootArchitecture.None)).Select(n => (n, $"boot entry platform {n}"))
            : Enum.GetValues<ClientArchitecture>().Select(a => (a.ToString(), $"{a} (DHCP option 93 value {(ushort)a})"));
        return CompletionFilter.StartingWith(wordToComplete, names);
    }
}
