namespace PxePowerShell.Engine.Files;

/// <summary>Something that can be mounted in a <see cref="BootNamespace"/>: a directory, an ISO image, generated menus.</summary>
public interface IBootFileSource
{
    /// <summary>A short description for listings ("directory /srv/tftp", "iso arch.iso").</summary>
    string Description { get; }

    /// <summary>Opens <paramref name="path"/> (relative to this source) for reading.</summary>
    ValueTask<BootFileResult> OpenAsync(BootPath path, BootRequestContext context, CancellationToken cancellationToken = default);
}

/// <summary>A source that also accepts uploads (TFTP WRQ).</summary>
public interface IWritableBootFileSource : IBootFileSource
{
    /// <summary>
    /// Creates <paramref name="path"/> for writing. Fails with <see cref="BootFileStatus.AlreadyExists"/> when the file exists
    /// and <paramref name="overwrite"/> is false. The returned writer's content becomes visible only when committed.
    /// </summary>
    BootFileWriteResult Create(BootPath path, bool overwrite);
}

/// <summary>The result of <see cref="IWritableBootFileSource.Create"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Writer">The writer when <paramref name="Status"/> is Ok.</param>
/// <param name="Reason">Why not.</param>
public readonly record struct BootFileWriteResult(BootFileStatus Status, IBootFileWriter? Writer, string? Reason);

/// <summary>An upload in progress: written to a temporary file, renamed into place on commit.</summary>
public interface IBootFileWriter : IDisposable
{
    /// <summary>Appends bytes.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Bytes written so far.</summary>
    long Length { get; }

    /// <summary>Moves the finished file into place. Disposing without committing discards it.</summary>
    void Commit();
}
