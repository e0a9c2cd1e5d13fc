using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.TestSupport;

/// <summary>The tests' downloads through the engine's <see cref="TftpClient"/>, as bytes or an exception.</summary>
internal static class TestTftpClient
{
    /// <summary>
    /// Downloads <paramref name="name"/> with the engine's client; the bytes, or <see cref="IOException"/> on an ERROR
    /// ("ERROR 1: ...") and <see cref="TimeoutException"/> when the server fell silent.
    /// </summary>
    public static async Task<byte[]> DownloadAsync(Socket socket, IPEndPoint server, string name, TftpClientOptions options)
    {
        var data = new MemoryStream();
        var result = await new TftpClient(socket, options).DownloadAsync(server, name, (bytes, _) => data.Write(bytes.Span));
        return result.Status switch
        {
            TftpDownloadStatus.Completed => data.ToArray(),
            TftpDownloadStatus.ServerError => throw new IOException($"ERROR {(int)result.ErrorCode!.Value}: {result.ErrorMessage}"),
            TftpDownloadStatus.NoAnswer or TftpDownloadStatus.Stalled => throw new TimeoutException($"{name}: no answer after {options.Retries} retries ({result.Bytes} bytes in)"),
            _ => throw new IOException($"{name}: {result.Status} {result.ErrorMessage}"),
        };
    }
}
