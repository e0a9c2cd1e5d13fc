namespace PxePowerShell.Engine.Http;

/// <summary>
/// Parses an RFC 9110 Range header ("bytes=0-99,200-,-500") against a representation's length. Pure and
/// allocation-free. A header that is malformed, names another unit or lists more than
/// <see cref="MaxRanges"/> ranges is ignored (the whole file is sent, never more bytes than asked for in
/// total); overlapping ranges are merged so a request cannot make us send the same bytes many times.
/// </summary>
internal static class ByteRangeParser
{
    /// <summary>Most ranges honoured in one request.</summary>
    public const int MaxRanges = 16;

    /// <summary>
    /// Parses <paramref name="header"/> for a representation of <paramref name="length"/> bytes. On
    /// <see cref="RangeOutcome.Partial"/> the first <paramref name="count"/> entries of
    /// <paramref name="ranges"/> (at least <see cref="MaxRanges"/> long) hold the ranges to send, in order.
    /// </summary>
    public static RangeOutcome Parse(ReadOnlySpan<char> header, long length, Span<ByteRange> ranges, out int count)
    {
        if (ranges.Length < MaxRanges)
        {
            throw new ArgumentException($"Provide room for {MaxRanges} ranges.", nameof(ranges));
        }

        count = 0;
        var rest = header.Trim(" \t");
        if (rest.Length < 5 || !rest[..5].Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return RangeOutcome.Whole;
        }

        rest = rest[5..].TrimStart(" \t");
        if (rest.Length == 0 || rest[0] != '=')
        {
            return RangeOutcome.Whole;
        }

        rest = rest[1..];
        int specs = 0;
        bool any = false;
        while (true)
        {
            int comma = rest.IndexOf(',');
            var spec = (comma < 0 ? rest : rest[..comma]).Trim(" \t");
            if (spec.Length > 0)
            {
                any = true;
                if (++specs > MaxRanges)
                {
                    count = 0;
                    return RangeOutcome.Whole;
                }

                if (!TryParseSpec(spec, length, out var range, out bool satisfiable))
                {
                    count = 0;
                    return RangeOutcome.Whole;
                }

                if (satisfiable)
                {
                    ranges[count++] = range;
                }
            }

            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        if (!any)
        {
            return RangeOutcome.Whole;
        }

        if (count == 0)
        {
            return RangeOutcome.NotSatisfiable;
        }

        count = Coalesce(ranges[..count]);
        return RangeOutcome.Partial;
    }

    private static bool TryParseSpec(ReadOnlySpan<char> spec, long length, out ByteRange range, out bool satisfiable)
    {
        range = default;
        satisfiable = false;
        int dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var firstText = spec[..dash];
        var lastText = spec[(dash + 1)..];
        if (firstText.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!TryParseDigits(lastText, out long suffix))
            {
                return false;
            }

            if (suffix == 0 || length == 0)
            {
                return true;
            }

            long start = suffix >= length ? 0 : length - suffix;
            range = new ByteRange(start, length - start);
            satisfiable = true;
            return true;
        }

        if (!TryParseDigits(firstText, out long first))
        {
            return false;
        }

        long last = long.MaxValue;
        if (lastText.Length > 0)
        {
            if (!TryParseDigits(lastText, out last))
            {
                return false;
            }

            if (last < first)
            {
                return false;
            }
        }

        if (first >= length)
        {
            return true;
        }

        long end = last >= length ? length - 1 : last;
        range = new ByteRange(first, end - first + 1);
        satisfiable = true;
        return true;
    }

    /// <summary>Parses 1DIGIT*; values past long.MaxValue saturate (they only ever mean "to the end").</summary>
    private static bool TryParseDigits(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            if (value > (long.MaxValue - 9) / 10)
            {
                value = long.MaxValue;
            }
            else
            {
                value = (value * 10) + (c - '0');
            }
        }

        return true;
    }

    /// <summary>When any ranges overlap or touch, sorts and merges them; otherwise keeps the client's order.</summary>
    private static int Coalesce(Span<ByteRange> ranges)
    {
        if (ranges.Length < 2)
        {
            return ranges.Length;
        }

        bool overlap = false;
        for (int i = 0; i < ranges.Length && !overlap; i++)
        {
            for (int j = i + 1; j < ranges.Length; j++)
            {
                if (ranges[i].Start <= ranges[j].End + 1 && ranges[j].Start <= ranges[i].End + 1)
                {
                    overlap = true;
                    break;
                }
            }
        }

        if (!overlap)
        {
            return ranges.Length;
        }

        ranges.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        int kept = 0;
        for (int i = 1; i < ranges.Length; i++)
        {
            var current = ranges[kept];
            var next = ranges[i];
            if (next.Start <= current.End + 1)
            {
                long end = Math.Max(current.End, next.End);
                ranges[kept] = new ByteRange(current.Start, end - current.Start + 1);
            }
            else
            {
                ranges[++kept] = next;
            }
        }

        return kept + 1;
    }
}
