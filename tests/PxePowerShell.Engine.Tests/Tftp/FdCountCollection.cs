namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>Tests that count this process's file descriptors run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FdCountCollection
{
    public const string Name = "TFTP descriptor counting";
}
