using FsCheck.Xunit;
using PxePowerShell.Engine.Http;

namespace PxePowerShell.Engine.Tests.Http;

public sealed class ByteRangeParserTests
{
    private static (RangeOutcome Outcome, ByteRange[] Ranges) Parse(string header, long length)
    {
        var buffer = new ByteRange[ByteRangeParser.MaxRanges];
        var outcome = ByteRangeParser.Parse(header, length, buffer, out int count);
        return (outcome, buffer[..count]);
    }

    [Theory]
    [InlineData("bytes=0-99", 1000, 0, 100)]
    [InlineData("bytes=0-0", 1000, 0, 1)]
    [InlineData("bytes=500-", 1000, 500, 500)]
    [InlineData("bytes=-100", 1000, 900, 100)]
    [InlineData("bytes=-5000", 1000, 0, 1000)]
    [InlineData("bytes=900-5000", 1000, 900, 100)]
    [InlineData("bytes=999-999", 1000, 999, 1)]
    [InlineData("Bytes = 1-2", 1000, 1, 2)]
    [InlineData("bytes=0-99999999999999999999999", 1000, 0, 1000)]
    [InlineData("bytes=0-9,500-,", 10, 0, 10)]
    public void Parses_single_ranges(string header, long length, long start, long count)
    {
        var (outcome, ranges) = Parse(header, length);
        Assert.Equal(RangeOutcome.Partial, outcome);
        Assert.Equal(new ByteRange(start, count), Assert.Single(ranges));
    }

    [Fact]
    public void Keeps_disjoint_ranges_in_the_client_order()
    {
        var (outcome, ranges) = Parse("bytes=20-29,0-9,-5", 1000);
        Assert.Equal(RangeOutcome.Partial, outcome);
        Assert.Equal([new ByteRange(20, 10), new ByteRange(0, 10), new ByteRange(995, 5)], ranges);
    }

    [Fact]
    public void Merges_overlapping_and_adjacent_ranges()
    {
        var (outcome, ranges) = Parse("bytes=0-9,5-19,20-29,100-109,0-0", 1000);
        Assert.Equal(RangeOutcome.Partial, outcome);
        Assert.Equal([new ByteRange(0, 30), new ByteRange(100, 10)], ranges);
    }

    [Fact]
    public void Drops_unsatisfiable_parts_and_keeps_the_rest()
    {
        var (outcome, ranges) = Parse("bytes=5000-6000,0-1", 1000);
        Assert.Equal(RangeOutcome.Partial, outcome);
        Assert.Equal(new ByteRange(0, 2), Assert.Single(ranges));
    }

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=1000-2000", 1000)]
    [InlineData("bytes=-0", 1000)]
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-10", 0)]
    public void Reports_not_satisfiable(string header, long length) => Assert.Equal(RangeOutcome.NotSatisfiable, Parse(header, length).Outcome);

    [Theory]
    [InlineData("")]
    [InlineData("bytes")]
    [InlineData("bytes=")]
    [InlineData("bytes=,")]
    [InlineData("items=0-1")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=1")]
    [InlineData("bytes=--1")]
    [InlineData("bytes=0-1;x")]
    [InlineData("bytes 0-1")]
    public void Ignores_malformed_headers(string header) => Assert.Equal(RangeOutcome.Whole, Parse(header, 1000).Outcome);

    [Fact]
    public void Ignores_more_than_the_limit_of_ranges()
    {
        string many = "bytes=" + string.Join(',', Enumerable.Range(0, ByteRangeParser.MaxRanges + 1).Select(i => $"{i * 10}-{(i * 10) + 1}"));
        Assert.Equal(RangeOutcome.Whole, Parse(many, 100000).Outcome);
        string limit = "bytes=" + string.Join(',', Enumerable.Range(0, ByteRangeParser.MaxRanges).Select(i => $"{i * 10}-{(i * 10) + 1}"));
        Assert.Equal(ByteRangeParser.MaxRanges, Parse(limit, 100000).Ranges.Length);
    }

    [Property(MaxTest = 500)]
    public bool Ranges_always_lie_inside_the_file_and_never_overlap(string header, ushort length)
    {
        var buffer = new ByteRange[ByteRangeParser.MaxRanges];
        var outcome = ByteRangeParser.Parse("bytes=" + (header ?? string.Empty), length, buffer, out int count);
        if (outcome != RangeOutcome.Partial)
        {
            return count == 0;
        }

        long total = 0;
        for (int i = 0; i < count; i++)
        {
            if (buffer[i].Start < 0 || buffer[i].Length < 1 || buffer[i].End >= length)
            {
                return false;
            }

            total += buffer[i].Length;
        }

        return total <= length;
    }
}
