using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Fuzz;

/// <summary>
/// HTTP: the input is what a client sent on one connection. The request parser reads every pipelined head in it, as
/// <see cref="HttpConnection"/> does; each head's target goes through percent-decoding and the path sanitizer, its
/// Range header through the byte-range parser for several lengths, its dates and entity tags through their parsers.
/// Invariants: the incremental parser (fed a byte at a time up to a split point, then the rest) reaches the same
/// result as the one-shot parse; a complete head consumes at least one byte and no more than it was given; ranges
/// lie inside the representation, in order, without overlap; an accepted path never climbs out of the root.
/// </summary>
internal static class HttpRequestTarget
{
    private const int MaxHeaderBytes = 16384;

    private static readonly long[] Lengths = [0, 1, 4096, long.MaxValue];

    private static readonly ByteRange[] Ranges = new ByteRange[ByteRangeParser.MaxRanges];

    public static void Run(ReadOnlySpan<byte> data)
    {
        var parser = new HttpRequestParser(MaxHeaderBytes);
        var rest = data;
        for (int heads = 0; heads < 64 && !rest.IsEmpty; heads++)
        {
            var result = parser.Parse(rest);
            CheckIncremental(rest, result);
            if (result.Status != HttpParseStatus.Complete)
            {
                Program.Log?.Invoke($"{result.Status} {result.StatusCode} {result.Error}");
                return;
            }

            if (result.Consumed <= 0 || result.Consumed > rest.Length || result.Head is null)
            {
                throw new FuzzInvariantException($"a complete head consumed {result.Consumed} of {rest.Length} bytes");
            }

            Program.Log?.Invoke($"{result.Head.Method} {result.Head.Target} HTTP/{result.Head.VersionMajor}.{result.Head.VersionMinor}");
            Serve(result.Head);
            rest = rest[result.Consumed..];
            parser.Reset();
        }
    }

    /// <summary>Bytes arrive a few at a time: the parser must end where the one-shot parse ended.</summary>
    private static void CheckIncremental(ReadOnlySpan<byte> data, HttpParseResult expected)
    {
        var parser = new HttpRequestParser(MaxHeaderBytes);
        int split = Math.Min(data.Length, 1 + (data.Length > 0 ? data[0] % 61 : 0));
        HttpParseResult result = default;
        int given = 0;
        while (given < data.Length)
        {
            given = given < split ? given + 1 : data.Length;
            result = parser.Parse(data[..given]);
            if (result.Status != HttpParseStatus.Incomplete)
            {
                break;
            }
        }

        // An error or a complete head may be seen earlier with fewer bytes only if the one-shot parse saw the same.
        if (result.Status != expected.Status || result.Consumed != expected.Consumed || result.StatusCode != expected.StatusCode)
        {
            throw new FuzzInvariantException(
                $"incremental parse ended in {result.Status}/{result.StatusCode}/{result.Consumed} after {given} bytes, one-shot in {expected.Status}/{expected.StatusCode}/{expected.Consumed}");
        }
    }

    private static void Serve(HttpRequestHead head)
    {
        if (HttpTarget.TryDecode(head.Target, out string? path, out _, out _) && BootPath.TryParse(path, out var bootPath, out _))
        {
            TftpTarget.CheckPath(bootPath);
        }

        if (head.Range is { } range)
        {
            foreach (long length in Lengths)
            {
                CheckRanges(range, length);
            }
        }

        _ = HttpDate.TryParse(head.IfModifiedSince, out _);
        _ = HttpDate.TryParse(head.IfUnmodifiedSince, out _);
        _ = HttpDate.TryParse(head.IfRange, out _);
        string tag = EntityTag.For(DateTimeOffset.UnixEpoch, 4096);
        if (head.IfNoneMatch is { } noneMatch)
        {
            _ = EntityTag.Matches(noneMatch, tag, weak: true);
        }

        if (head.IfMatch is { } match)
        {
            _ = EntityTag.Matches(match, tag, weak: false);
        }

        if (head.IfRange is { } ifRange)
        {
            _ = EntityTag.Matches(ifRange, tag, weak: false);
        }
    }

    private static void CheckRanges(string header, long length)
    {
        var outcome = ByteRangeParser.Parse(header, length, Ranges, out int count);
        if (outcome != RangeOutcome.Partial)
        {
            return;
        }

        if (count is < 1 or > ByteRangeParser.MaxRanges)
        {
            throw new FuzzInvariantException($"'{header}' gave {count} ranges");
        }

        for (int i = 0; i < count; i++)
        {
            var r = Ranges[i];
            if (r.Start < 0 || r.Length < 1 || r.Start > length - r.Length)
            {
                throw new FuzzInvariantException($"'{header}' on {length} bytes gave range {i}: {r.Start}+{r.Length}");
            }

            for (int j = 0; j < i; j++)
            {
                if (Ranges[j].Start <= r.End && r.Start <= Ranges[j].End)
                {
                    throw new FuzzInvariantException($"'{header}' on {length} bytes gave overlapping ranges {j} and {i}");
                }
            }
        }
    }
}
