namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// Where the module keeps its state (the client inventory, and later boot entries and leases).
/// In order: the <c>PXEPOWERSHELL_DATA</c> environment variable when set; on Windows
/// <c>%ProgramData%\PxePowerShell</c>; elsewhere <c>/var/lib/pxepowershell</c> for root, otherwise
/// <c>$XDG_DATA_HOME/PxePowerShell</c> or <c>~/.local/share/PxePowerShell</c>.
/// </summary>
public static class PxeDataDirectory
{
    /// <summary>The environment variable that overrides the data directory.</summary>
    public const string EnvironmentVariable = "PXEPOWERSHELL_DATA";

    /// <summary>The data directory for this process (an absolute path; it may not exist yet).</summary>
    public static string Resolve() => Resolve(
        Environment.GetEnvironmentVariable,
        OperatingSystem.IsWindows(),
        Environment.IsPrivilegedProcess,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// The data directory for the given environment: <paramref name="getEnvironmentVariable"/> reads variables,
    /// <paramref name="isWindows"/> selects the platform rule, <paramref name="isPrivileged"/> is true for root,
    /// <paramref name="homeDirectory"/> is the user's home.
    /// </summary>
    public static string Resolve(Func<string, string?> getEnvironmentVariable, bool isWindows, bool isPrivileged, string? homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        string? explicitPath = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath.Trim());
        }

        if (isWindows)
        {
            string? programData = getEnvironmentVariable("ProgramData");
            if (string.IsNullOrWhiteSpace(programData))
            {
                programData = Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData);
            }

            return Path.Combine(programData, "PxePowerShell");
        }

        if (isPrivileged)
        {
            return "/var/lib/pxepowershell";
        }

        string? xdg = getEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "PxePowerShell");
        }

        string home = string.IsNullOrWhiteSpace(homeDirectory) ? (getEnvironmentVariable("HOME") ?? "/tmp") : homeDirectory;
        return Path.Combine(home, ".local", "share", "PxePowerShell");
    }

    /// <summary>Creates <paramref name="directory"/> when it does not exist (owner-only on Unix) and returns it.</summary>
    public static string Ensure(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return directory;
    }
}
