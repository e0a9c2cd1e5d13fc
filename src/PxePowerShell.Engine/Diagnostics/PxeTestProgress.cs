namespace PxePowerShell.Engine.Diagnostics;

/// <summary>Where a running simulation is: the step and, during downloads, the bytes so far.</summary>
/// <param name="Step">The step running.</param>
/// <param name="Status">What it is doing.</param>
/// <param name="Bytes">Bytes downloaded so far in this step.</param>
/// <param name="TotalBytes">The file size when the server said it (tsize / Content-Length).</param>
public sealed record PxeTestProgress(string Step, string Status, long Bytes, long? TotalBytes);
