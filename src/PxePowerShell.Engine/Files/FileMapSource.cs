namespace PxePowerShell.Engine.Files;

/// <summary>
/// Serves a fixed set of names, each mapped to a file of the host (for example the Secure Boot chain: shimx64.efi →
/// /usr/lib/shim/shimx64.efi.signed). Names are single path segments, matched case-insensitively as TFTP clients
/// expect; every other path is NotFound. Files are opened on each request, so a package update is served at once.
/// </summary>
public sealed class FileMapSource : IBootFileSource
{
    private readonly Dictionary<string, string> _files;

    /// <summary>Creates the source.</summary>
    /// <param name="description">What the files are, for listings.</param>
    /// <param name="files">Served name → host path.</param>
    public FileMapSource(string description, IReadOnlyDictionary<string, string> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(files);
        _files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, hostPath) in files)
        {
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a single file name.", nameof(files));
            }

            _files[name] = Path.GetFullPath(hostPath);
        }

        Description = description;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>The served names and the host files behind them.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <inheritdoc />
    public ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Open(path));

    private BootFileResult Open(BootPath path)
    {
        if (path.IsRoot)
        {
            return new BootFileResult(BootFileStatus.IsDirectory, null, "the path is a directory");
        }

        if (path.Segments.Length != 1 || !_files.TryGetValue(path.Value, out var hostPath))
        {
            return BootFileResult.NotFound();
        }

        try
        {
            var handle = File.OpenHandle(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return BootFileResult.Opened(new HostBootFile(handle, hostPath, File.GetLastWriteTimeUtc(hostPath)));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return BootFileResult.NotFound($"{hostPath} is gone");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return BootFileResult.Denied(ex.Message);
        }
    }
}
