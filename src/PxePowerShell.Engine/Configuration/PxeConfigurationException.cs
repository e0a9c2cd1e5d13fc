namespace PxePowerShell.Engine.Configuration;

/// <summary>A configuration file or value that cannot be used; <see cref="Key"/> names the setting.</summary>
public sealed class PxeConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The setting that is wrong (empty for the file as a whole).</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public PxeConfigurationException(string key, string message, Exception? inner = null)
        : base(message, inner)
    {
        Key = key;
    }

    /// <summary>The setting that is wrong.</summary>
    public string Key { get; }
}
