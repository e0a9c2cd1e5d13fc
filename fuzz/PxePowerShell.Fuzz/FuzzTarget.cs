namespace PxePowerShell.Fuzz;

/// <summary>
/// One harness: feeds an input to a parser and whatever the servers do with what it returns. The parser may refuse the
/// input the documented way (false, a status, its format exception); any other exception, a broken invariant
/// (<see cref="FuzzInvariantException"/>), a hang or running out of memory is a finding.
/// </summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> data);
