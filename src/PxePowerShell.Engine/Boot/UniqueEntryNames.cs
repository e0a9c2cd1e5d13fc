namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Hands out boot entry names that are valid and unique (case-insensitively) within one import: the second
/// "ubuntu" becomes "ubuntu-2", the third "ubuntu-3"; names are cut to <see cref="BootEntry.MaxNameLength"/>.
/// Each claim costs constant time however many entries share a name.
/// </summary>
internal sealed class UniqueEntryNames
{
    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _nextSuffix = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns <paramref name="name"/>, shortened if needed, or the first free "name-N".</summary>
    /// <param name="name">The wanted name, already made of valid characters.</param>
    public string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string wanted = Cut(name, 0);
        if (_taken.Add(wanted))
        {
            return wanted;
        }

        int n = _nextSuffix.GetValueOrDefault(wanted, 2);
        string unique;
        do
        {
            string suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            unique = Cut(wanted, suffix.Length) + suffix;
            n++;
        }
        while (!_taken.Add(unique));

        _nextSuffix[wanted] = n;
        return unique;
    }

    private static string Cut(string name, int reserve) =>
        name.Length + reserve > BootEntry.MaxNameLength ? name[..(BootEntry.MaxNameLength - reserve)] : name;
}
