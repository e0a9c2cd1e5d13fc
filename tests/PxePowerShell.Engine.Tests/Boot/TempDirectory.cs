namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>A unique directory under the system temp directory, deleted on Dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pxeps-boot-" + Guid.NewGuid().ToString("N"));

    public string File(string relative, string? content = null)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        if (content is not null)
        {
            System.IO.File.WriteAllText(full, content);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
