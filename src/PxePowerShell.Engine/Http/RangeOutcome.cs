namespace PxePowerShell.Engine.Http;

/// <summary>What a Range header means for a response.</summary>
internal enum RangeOutcome
{
    /// <summary>No usable Range: send the whole representation (200). Also for syntax errors and other units.</summary>
    Whole,

    /// <summary>Send the ranges (206).</summary>
    Partial,

    /// <summary>No range overlaps the representation (416 with Content-Range: bytes */length).</summary>
    NotSatisfiable,
}
