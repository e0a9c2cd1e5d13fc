using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>A mounted source whose every open throws what no caller lists (a bug in a source, a storage driver's surprise).</summary>
internal sealed class ThrowingSource : IBootFileSource
{
    public int Opens;

    public string Description => "a source that throws";

    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Opens);
        throw new KeyNotFoundException("the source lost its index");
    }
}
