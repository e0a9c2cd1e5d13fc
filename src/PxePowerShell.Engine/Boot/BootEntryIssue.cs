namespace PxePowerShell.Engine.Boot;

/// <summary>One problem found by <see cref="BootEntryValidator"/>.</summary>
/// <param name="Id">A stable identifier (one of <see cref="PxeErrorIds"/>), fit for an ErrorRecord's ErrorId.</param>
/// <param name="Severity">Warning or error.</param>
/// <param name="EntryName">The entry concerned.</param>
/// <param name="Message">What is wrong and what to do, in words.</param>
/// <param name="Target">The offending value (a path, a MAC address), if any.</param>
public sealed record BootEntryIssue(string Id, BootIssueSeverity Severity, string EntryName, string Message, string? Target = null);
