using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Fuzz;

/// <summary>
/// TFTP: the input is one datagram from a client. Every packet parser runs on it (they never throw); a request that
/// parses goes through the path sanitizer and option negotiation under several server settings, as
/// <see cref="TftpServer"/> does; the OACK written from the negotiation must parse back to the same options; a read
/// transfer that has started is fed the datagram as if the client had sent it. Invariants: negotiated values stay in
/// their RFC ranges and under the server's limits, and an accepted path never climbs out of the root.
/// </summary>
internal static class TftpTarget
{
    private static readonly TftpServerOptions[] Settings =
    [
        new(),
        new() { MaxBlockSize = 1468, MaxWindowSize = 8, Timeout = TimeSpan.FromSeconds(3) },
        new() { MaxBlockSize = TftpOptionNegotiator.MinBlockSize, MaxWindowSize = 1, AllowWrite = true },
    ];

    private static readonly (long? Size, int? Mtu)[] Contexts = [(null, null), (1_000_000, 1500), (0, 9000), (long.MaxValue, 40)];

    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly byte[] Buffer = new byte[70_000];

    private static readonly NullSink Sink = new();

    public static void Run(ReadOnlySpan<byte> data)
    {
        _ = TftpPacket.ReadOpcode(data);
        _ = TftpPacket.TryParseData(data, out _, out _);
        _ = TftpPacket.TryParseAck(data, out _);
        _ = TftpPacket.TryParseError(data, out _, out _);
        _ = TftpPacket.TryParseOptionAck(data, out _);

        if (TftpPacket.TryParseRequest(data, out var request, out string? error))
        {
            Program.Log?.Invoke($"{request.Opcode} '{request.FileName}' {request.Mode}, {request.Options.Count} options");
            if (BootPath.TryParse(request.FileName, out var path, out _))
            {
                CheckPath(path);
            }

            foreach (var settings in Settings)
            {
                foreach (var (size, mtu) in Contexts)
                {
                    Negotiate(request, settings, size, mtu);
                }
            }
        }
        else
        {
            Program.Log?.Invoke($"{TftpPacket.ReadOpcode(data)}; not a request: {error}");
        }

        // A transfer in progress receiving the datagram: an ACK, ERROR, a stray request or garbage.
        using var file = new MemoryBootFile(3000);
        using var transfer = new TftpReadTransfer(file, TftpMode.Octet, new TftpNegotiatedOptions(512, 4, TimeSpan.FromSeconds(1), 3000, []), 3, Clock);
        transfer.Start(Sink);
        _ = transfer.Receive(data, Sink);
        _ = transfer.Receive(data, Sink);
    }

    private static void Negotiate(TftpRequest request, TftpServerOptions settings, long? size, int? mtu)
    {
        var negotiated = TftpOptionNegotiator.Negotiate(request, settings, size, mtu);
        if (negotiated.BlockSize is < TftpOptionNegotiator.MinBlockSize or > TftpOptionNegotiator.MaxBlockSize
            || (negotiated.BlockSize > settings.MaxBlockSize && negotiated.BlockSize != TftpPacket.DefaultBlockSize))
        {
            throw new FuzzInvariantException($"block size {negotiated.BlockSize} is out of range");
        }

        if (negotiated.WindowSize < 1 || negotiated.WindowSize > settings.MaxWindowSize)
        {
            throw new FuzzInvariantException($"window size {negotiated.WindowSize} is out of range");
        }

        if (negotiated.Timeout <= TimeSpan.Zero || negotiated.Timeout > TimeSpan.FromSeconds(255))
        {
            throw new FuzzInvariantException($"timeout {negotiated.Timeout} is out of range");
        }

        if (negotiated.TransferSize is < 0)
        {
            throw new FuzzInvariantException($"transfer size {negotiated.TransferSize} is negative");
        }

        if (!negotiated.SendOptionAck)
        {
            return;
        }

        int length = TftpPacket.WriteOptionAck(Buffer, negotiated.Acknowledged);
        if (!TftpPacket.TryParseOptionAck(Buffer.AsSpan(0, length), out var echoed) || echoed.Count != negotiated.Acknowledged.Count)
        {
            throw new FuzzInvariantException("the OACK written does not parse back to the options acknowledged");
        }

        for (int i = 0; i < echoed.Count; i++)
        {
            if (echoed[i] != negotiated.Acknowledged[i])
            {
                throw new FuzzInvariantException($"OACK option {i} came back as {echoed[i]}, not {negotiated.Acknowledged[i]}");
            }
        }
    }

    /// <summary>What BootPath promises: relative, '/'-separated, no empty, "." or ".." segment, no backslash or NUL.</summary>
    internal static void CheckPath(BootPath path)
    {
        string value = path.Value;
        if (value.StartsWith('/') || value.Contains('\\', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new FuzzInvariantException($"path '{value}' was accepted");
        }

        foreach (string segment in path.Segments)
        {
            if (segment is "" or "." or "..")
            {
                throw new FuzzInvariantException($"path '{value}' with segment '{segment}' was accepted");
            }
        }
    }

    private sealed class NullSink : ITftpPacketSink
    {
        public void Send(ReadOnlySpan<byte> packet)
        {
        }
    }
}
