namespace PxePowerShell.Fuzz;

/// <summary>Thrown by a harness when a parser accepted input but broke one of its promises.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message)
{
}
