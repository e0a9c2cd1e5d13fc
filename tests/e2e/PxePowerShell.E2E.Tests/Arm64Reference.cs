namespace PxePowerShell.E2E.Tests;

/// <summary>A temporary reference root made by <see cref="Arm64Root.ReferenceCopy"/>; deleted on dispose.</summary>
public sealed class Arm64Reference(string path) : IDisposable
{
    /// <summary>The directory.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
