namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>Helpers for lists of image runs.</summary>
internal static class UdfExtents
{
    /// <summary>The most runs one file or directory may be made of.</summary>
    public const int MaxRuns = 1 << 20;

    /// <summary>Appends <paramref name="run"/>, merged into the last run when it continues it.</summary>
    public static void Append(List<IsoExtent> runs, IsoExtent run, string structure)
    {
        if (run.Length == 0)
        {
            return;
        }

        if (runs.Count > 0 && runs[^1].Offset + runs[^1].Length == run.Offset)
        {
            runs[^1] = new IsoExtent(runs[^1].Offset, runs[^1].Length + run.Length);
            return;
        }

        if (runs.Count >= MaxRuns)
        {
            throw new IsoFormatException(structure, $"more than {MaxRuns} separate extents");
        }

        runs.Add(run);
    }

    /// <summary>Throws unless <paramref name="run"/> lies inside <paramref name="image"/>.</summary>
    public static void Check(IsoImageFile image, IsoExtent run, string structure)
    {
        if (run.Offset < 0 || run.Length < 0 || run.Offset > image.Length || run.Length > image.Length - run.Offset)
        {
            throw new IsoFormatException(structure, $"bytes {run.Offset}..{run.Offset + run.Length} lie outside the {image.Length}-byte image");
        }
    }
}
