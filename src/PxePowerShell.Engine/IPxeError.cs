namespace PxePowerShell.Engine;

/// <summary>
/// What every engine failure carries: a stable <see cref="ErrorId"/> (one of <see cref="PxeErrorIds"/>) and a
/// <see cref="Category"/>. <see cref="PxeException"/> is the base class that has it; the module maps it to an
/// ErrorRecord in one place.
/// </summary>
public interface IPxeError
{
    /// <summary>The stable error identifier.</summary>
    string ErrorId { get; }

    /// <summary>What kind of failure it is.</summary>
    PxeErrorCategory Category { get; }
}
