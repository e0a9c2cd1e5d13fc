namespace PxePowerShell.Engine.Http;

/// <summary>How file-backed response bodies are put on the wire.</summary>
internal enum HttpBodySendMode
{
    /// <summary>sendfile(2)-style zero-copy (Socket.SendPacketsAsync with file elements) when the file has a host path, else copy.</summary>
    ZeroCopy,

    /// <summary>Always read through <see cref="Files.IBootFile.ReadAsync"/> into pooled buffers and send.</summary>
    Copy,
}
