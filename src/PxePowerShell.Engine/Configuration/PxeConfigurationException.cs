namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// A configuration value (a setting of a file or a cmdlet parameter) or file that cannot be used; <see cref="Key"/>
/// names the setting. <see cref="PxeException.ErrorId"/> says what is wrong with the value (InvalidParameter,
/// UnknownArchitecture, InvalidMacAddress, IPv4AddressRequired); a file that holds such a value is reported as
/// InvalidConfiguration by whoever read it.
/// </summary>
public sealed class PxeConfigurationException : PxeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The setting that is wrong (empty for the file as a whole).</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying error, if any.</param>
    /// <param name="errorId">What is wrong with the value; one of <see cref="PxeErrorIds"/>.</param>
    public PxeConfigurationException(string key, string message, Exception? inner = null, string errorId = PxeErrorIds.InvalidParameter)
        : base(errorId, PxeErrorCategory.InvalidArgument, message, inner)
    {
        Key = key;
    }

    /// <summary>The setting that is wrong.</summary>
    public string Key { get; }
}
