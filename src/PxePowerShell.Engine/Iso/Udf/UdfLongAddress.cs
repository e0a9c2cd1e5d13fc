namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>A long_ad: an extent of <paramref name="Length"/> bytes at <paramref name="Address"/>.</summary>
/// <param name="Length">The extent length in bytes (the low 30 bits of the recorded field).</param>
/// <param name="Address">Where the extent starts.</param>
internal readonly record struct UdfLongAddress(uint Length, UdfAddress Address);
