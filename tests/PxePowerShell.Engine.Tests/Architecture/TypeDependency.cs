namespace PxePowerShell.Engine.Tests.Architecture;

/// <summary>One engine type naming another: <paramref name="From"/> and <paramref name="To"/> are full names of
/// top-level types (a nested or compiler-generated type counts as the type that declares it).</summary>
internal sealed record TypeDependency(string From, string To)
{
    public string FromNamespace => NamespaceOf(From);

    public string ToNamespace => NamespaceOf(To);

    private static string NamespaceOf(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        return dot < 0 ? "" : fullName[..dot];
    }
}
