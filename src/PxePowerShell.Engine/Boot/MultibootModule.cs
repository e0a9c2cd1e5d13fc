namespace PxePowerShell.Engine.Boot;

/// <summary>One module of a multiboot chain (after the hypervisor): a path and its command line.</summary>
/// <param name="Path">Boot-namespace path or URL of the module.</param>
/// <param name="Arguments">The module's command line, if any.</param>
public sealed record MultibootModule(string Path, string? Arguments = null);
