namespace PxePowerShell.Engine.Tftp;

/// <summary>What a <see cref="TftpClient"/> asks for and how long it waits.</summary>
internal sealed record TftpClientOptions
{
    /// <summary>The blksize option (RFC 2348) to ask for; null asks for none and keeps 512-byte blocks.</summary>
    public int? BlockSize { get; init; }

    /// <summary>Asks for the tsize option (RFC 2349) and checks the size the server announces against what it sends.</summary>
    public bool AskSize { get; init; }

    /// <summary>The windowsize option (RFC 7440) to ask for; null asks for none (lock-step).</summary>
    public int? WindowSize { get; init; }

    /// <summary>How long to wait for the next packet before sending the last one again.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Silent timeouts in a row (no progress) after which the download gives up.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The most bytes to keep; the download stops there (ERROR 0 to the server) and reports <see cref="TftpDownloadStatus.Capped"/>.</summary>
    public long MaxBytes { get; init; } = long.MaxValue;

    /// <summary>The options of the read request.</summary>
    internal IReadOnlyList<TftpOption> RequestOptions()
    {
        var options = new List<TftpOption>(3);
        if (BlockSize is { } blockSize)
        {
            options.Add(new TftpOption("blksize", blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (AskSize)
        {
            options.Add(new TftpOption("tsize", "0"));
        }

        if (WindowSize is { } windowSize)
        {
            options.Add(new TftpOption("windowsize", windowSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return options;
    }
}
