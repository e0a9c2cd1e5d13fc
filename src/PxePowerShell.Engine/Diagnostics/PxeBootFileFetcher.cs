using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.SecureBoot;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>
/// The download half of a simulated boot: the boot file over TFTP (<see cref="TftpClient"/>) or HTTP, then what that file
/// reads next (a pxelinux menu, or shim's GRUB and its grub.cfg), each as a step of the test.
/// </summary>
internal sealed class PxeBootFileFetcher
{
    private readonly PxeClientSimulatorOptions _options;
    private readonly PxeTestRecorder _log;
    private readonly Func<Socket> _openSocket;
    private readonly TimeProvider _time;

    public PxeBootFileFetcher(PxeClientSimulatorOptions options, PxeTestRecorder log, Func<Socket> openSocket, TimeProvider time)
    {
        _options = options;
        _log = log;
        _openSocket = openSocket;
        _time = time;
    }

    /// <summary>Downloads <paramref name="file"/> from <paramref name="server"/> (or its URL) and what it loads next.</summary>
    public async Task FetchAsync(IPAddress server, string file, PxeSimulationState state, CancellationToken cancellationToken)
    {
        if (file.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || file.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (Uri.TryCreate(file, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host, out var host))
            {
                state.BootServer = host;
            }

            await HttpDownloadAsync(file, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (ok, bytes, sha) = await TftpDownloadAsync(PxeTestStepNames.TftpBootFile, server, file, cancellationToken).ConfigureAwait(false);
        state.Bytes = bytes;
        state.Sha256 = sha;
        if (ok && IsShim(file))
        {
            await SignedChainAsync(server, file, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (ok && IsPxelinux(file))
        {
            await MenuAsync(server, file, state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What shim and the network GRUB fetch next: grubx64.efi beside shim, then GRUB's grub/grub.cfg.</summary>
    private async Task SignedChainAsync(IPAddress server, string shim, PxeSimulationState state, CancellationToken cancellationToken)
    {
        int slash = shim.LastIndexOf('/');
        string grub = (slash >= 0 ? shim[..(slash + 1)] : string.Empty) + SecureBootChain.GrubName;
        var (ok, _, _) = await TftpDownloadAsync(PxeTestStepNames.TftpSecondStage, server, grub, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        long t = _log.Start();
        var outcome = await TftpFetchAsync(PxeTestStepNames.TftpMenu, server, BootMenuLayout.GrubConfig, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is null)
        {
            state.MenuFile = BootMenuLayout.GrubConfig;
            _log.Pass(PxeTestStepNames.TftpMenu, t, $"{BootMenuLayout.GrubConfig} ({outcome.Bytes} bytes) from {server}", server, BootMenuLayout.GrubConfig, outcome.Bytes);
        }
        else
        {
            _log.Fail(PxeTestStepNames.TftpMenu, t, $"no GRUB menu on TFTP server {server}: {outcome.Error}", server, BootMenuLayout.GrubConfig);
        }
    }

    private async Task MenuAsync(IPAddress server, string bootFile, PxeSimulationState state, CancellationToken cancellationToken)
    {
        int slash = bootFile.LastIndexOf('/');
        string dir = slash >= 0 ? bootFile[..(slash + 1)] : "";
        string[] names = [$"{dir}pxelinux.cfg/01-{_options.MacAddress}", $"{dir}pxelinux.cfg/default"];
        long t = _log.Start();
        foreach (var name in names)
        {
            var outcome = await TftpFetchAsync(PxeTestStepNames.TftpMenu, server, name, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is null)
            {
                state.MenuFile = name;
                _log.Pass(PxeTestStepNames.TftpMenu, t, $"{name} ({outcome.Bytes} bytes) from {server}", server, name, outcome.Bytes);
                return;
            }

            if (!outcome.NotFound)
            {
                _log.Fail(PxeTestStepNames.TftpMenu, t, outcome.Error, server, name);
                return;
            }
        }

        _log.Fail(PxeTestStepNames.TftpMenu, t, $"no pxelinux menu on TFTP server {server}: {string.Join(" and ", names)} not found", server);
    }

    private async Task<(bool Ok, long Bytes, string? Sha256)> TftpDownloadAsync(string step, IPAddress server, string file, CancellationToken cancellationToken)
    {
        long t = _log.Start();
        var outcome = await TftpFetchAsync(step, server, file, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is not null)
        {
            _log.Fail(step, t, outcome.NotFound ? $"boot file '{file}' not found on TFTP server {server} ({outcome.Error})" : outcome.Error, server, file);
            return (false, outcome.Bytes, null);
        }

        _log.Pass(step, t, $"{file}: {outcome.Bytes} bytes from {server}:{_options.TftpPort}, blksize {outcome.BlockSize}" + (outcome.Capped ? $" (stopped at {_options.MaxDownloadBytes} bytes)" : ""), server, file, outcome.Bytes);
        return (true, outcome.Bytes, outcome.Sha256);
    }

    private sealed record TftpOutcome(long Bytes, int BlockSize, string? Sha256, string? Error, bool NotFound, bool Capped);

    private async Task<TftpOutcome> TftpFetchAsync(string step, IPAddress server, string file, CancellationToken cancellationToken)
    {
        _log.Report(step, $"TFTP {file} from {server}");
        Socket socket;
        try
        {
            socket = _openSocket();
        }
        catch (SocketException ex)
        {
            return new TftpOutcome(0, 0, null, $"could not open a TFTP socket: {ex.Message}", false, false);
        }

        using var _ = socket;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var client = new TftpClient(socket, new TftpClientOptions
        {
            BlockSize = _options.BlockSize,
            AskSize = true,
            Timeout = _options.Timeout,
            Retries = 3,
            MaxBytes = _options.MaxDownloadBytes,
        }, _time);
        long blocks = 0;
        var result = await client.DownloadAsync(new IPEndPoint(server, _options.TftpPort), file, (data, download) =>
        {
            hash.AppendData(data.Span);
            if (++blocks % 64 == 0)
            {
                _log.Report(step, $"TFTP {file}", download.Bytes, download.AnnouncedSize);
            }
        }, cancellationToken).ConfigureAwait(false);
        string? error = result.Status switch
        {
            TftpDownloadStatus.Completed or TftpDownloadStatus.Capped => null,
            TftpDownloadStatus.ServerError => $"TFTP error {result.ErrorCode}: {result.ErrorMessage}",
            TftpDownloadStatus.NoAnswer => $"no TFTP answer from {server}:{_options.TftpPort} within {PxeTestRecorder.Seconds(_options.Timeout)} (is a TFTP server running there?)",
            TftpDownloadStatus.Stalled => $"the TFTP transfer of '{file}' from {server} stalled after {result.Bytes} bytes",
            TftpDownloadStatus.SizeMismatch => $"'{file}': the server announced {result.AnnouncedSize} bytes (tsize) but sent {result.Bytes}",
            _ => $"TFTP from {server}:{_options.TftpPort} failed: {result.ErrorMessage}",
        };
        return new TftpOutcome(result.Bytes, result.BlockSize, error is null ? Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant() : null, error,
            result.ErrorCode == TftpErrorCode.FileNotFound, result.Status == TftpDownloadStatus.Capped);
    }

    private async Task HttpDownloadAsync(string url, PxeSimulationState state, CancellationToken cancellationToken)
    {
        long t = _log.Start();
        string step = PxeTestStepNames.HttpBootFile;
        _log.Report(step, $"GET {url}");
        using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using var window = _log.Window(_options.Timeout, cancellationToken);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, window.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                _log.Fail(step, t, response.StatusCode == HttpStatusCode.NotFound
                    ? $"boot file not found on the HTTP server: {url} (404)"
                    : $"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", state.BootServer, url);
                return;
            }

            long? length = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(65536);
            long bytes = 0;
            try
            {
                while (bytes < _options.MaxDownloadBytes)
                {
                    window.CancelAfter(_options.Timeout);
                    int n = await body.ReadAsync(buffer, window.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    n = (int)Math.Min(n, _options.MaxDownloadBytes - bytes);
                    hash.AppendData(buffer, 0, n);
                    bytes += n;
                    _log.Report(step, $"GET {url}", bytes, length);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            state.Bytes = bytes;
            bool capped = bytes >= _options.MaxDownloadBytes && length != bytes;
            if (!capped && length is { } expected && expected != bytes)
            {
                _log.Fail(step, t, $"{url}: Content-Length {expected} but {bytes} bytes arrived", state.BootServer, url);
                return;
            }

            state.Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            _log.Pass(step, t, $"{url}: {bytes} bytes" + (capped ? $" (stopped at {_options.MaxDownloadBytes} bytes)" : ""), state.BootServer, url, bytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _log.Fail(step, t, $"no HTTP answer from {url} within {PxeTestRecorder.Seconds(_options.Timeout)}", state.BootServer, url);
        }
        catch (HttpRequestException ex)
        {
            _log.Fail(step, t, $"{url}: {ex.Message}", state.BootServer, url);
        }
        catch (IOException ex)
        {
            _log.Fail(step, t, $"{url}: {ex.Message}", state.BootServer, url);
        }
    }

    private static bool IsShim(string file) =>
        file[(file.LastIndexOf('/') + 1)..].StartsWith("shim", StringComparison.OrdinalIgnoreCase) && file.EndsWith(".efi", StringComparison.OrdinalIgnoreCase);

    private static bool IsPxelinux(string file)
    {
        string name = file[(file.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return name.Contains("pxelinux", StringComparison.Ordinal) || name.Contains("syslinux", StringComparison.Ordinal);
    }
}
