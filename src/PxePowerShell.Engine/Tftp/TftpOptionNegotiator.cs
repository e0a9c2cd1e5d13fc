using System.Globalization;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Option negotiation (RFC 2347): blksize (RFC 2348), tsize and timeout (RFC 2349), windowsize (RFC 7440).
/// Values out of an option's range make the server ignore that option (it is left out of the OACK);
/// unknown options are ignored. Pure: no I/O.
/// </summary>
internal static class TftpOptionNegotiator
{
    /// <summary>Smallest block size of RFC 2348.</summary>
    public const int MinBlockSize = 8;

    /// <summary>Largest block size of RFC 2348.</summary>
    public const int MaxBlockSize = 65464;

    /// <summary>IPv4 + UDP + TFTP DATA header bytes that share the MTU with a block.</summary>
    public const int HeaderOverhead = 20 + 8 + TftpPacket.DataHeaderLength;

    /// <summary>
    /// Negotiates <paramref name="request"/>'s options. <paramref name="transferSize"/> is the file size for an
    /// RRQ when known (null: tsize is not answered); <paramref name="mtu"/> is the MTU of the interface the
    /// request arrived on, when known (blocks are clamped to fit it).
    /// </summary>
    public static TftpNegotiatedOptions Negotiate(TftpRequest request, TftpServerOptions options, long? transferSize, int? mtu)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        int blockSize = TftpPacket.DefaultBlockSize;
        int windowSize = 1;
        TimeSpan timeout = options.Timeout;
        long? size = null;
        var acknowledged = new List<TftpOption>(4);
        bool seenBlockSize = false, seenWindow = false, seenTimeout = false, seenSize = false;
        foreach (var option in request.Options)
        {
            if (option.Is("blksize") && !seenBlockSize)
            {
                seenBlockSize = true;
                if (TryParseInt(option.Value, out long requested) && requested is >= MinBlockSize and <= MaxBlockSize)
                {
                    long granted = Math.Min(requested, options.MaxBlockSize);
                    if (mtu is int m && m - HeaderOverhead >= MinBlockSize)
                    {
                        granted = Math.Min(granted, m - HeaderOverhead);
                    }

                    blockSize = (int)granted;
                    acknowledged.Add(new TftpOption("blksize", blockSize.ToString(CultureInfo.InvariantCulture)));
                }
            }
            else if (option.Is("windowsize") && !seenWindow)
            {
                seenWindow = true;
                if (TryParseInt(option.Value, out long requested) && requested is >= 1 and <= 65535)
                {
                    windowSize = (int)Math.Min(requested, options.MaxWindowSize);
                    acknowledged.Add(new TftpOption("windowsize", windowSize.ToString(CultureInfo.InvariantCulture)));
                }
            }
            else if (option.Is("timeout") && !seenTimeout)
            {
                seenTimeout = true;
                if (TryParseInt(option.Value, out long seconds) && seconds is >= 1 and <= 255)
                {
                    timeout = TimeSpan.FromSeconds(seconds);
                    acknowledged.Add(new TftpOption("timeout", seconds.ToString(CultureInfo.InvariantCulture)));
                }
            }
            else if (option.Is("tsize") && !seenSize)
            {
                seenSize = true;
                if (TryParseInt(option.Value, out long announced) && announced >= 0)
                {
                    if (request.IsRead)
                    {
                        if (transferSize is long known)
                        {
                            size = known;
                            acknowledged.Add(new TftpOption("tsize", known.ToString(CultureInfo.InvariantCulture)));
                        }
                    }
                    else
                    {
                        size = announced;
                        acknowledged.Add(new TftpOption("tsize", announced.ToString(CultureInfo.InvariantCulture)));
                    }
                }
            }
        }

        return new TftpNegotiatedOptions(blockSize, windowSize, timeout, size, acknowledged);
    }

    private static bool TryParseInt(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
