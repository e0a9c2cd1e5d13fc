using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Architecture;

/// <summary>
/// The engine's namespaces in one order, bottom first: a namespace may name types of its own namespace and of
/// namespaces listed before it, never of one listed after it. docs/architecture.md draws the same table.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    /// <summary>
    /// Bottom first. A namespace not listed falls under its nearest listed parent (Boot.Grub under Boot unless
    /// Boot.Grub has its own row). A new folder gets a row here in the layer where it belongs.
    /// </summary>
    public static readonly string[][] Layers =
    [
        // Vocabulary every layer may name: error ids (the root namespace: the reading of interfaces throws them), wire values (MAC addresses, message types, the interface list), platform calls, metrics.
        ["Errors", "Net", "Interop", "Metrics"],

        // Events (values and the fan-out hub) and the base types of a running service (state, start failures).
        ["Events", "Services"],

        // The boot namespace, then each protocol: codec, pure policy and the server that feeds it from sockets.
        ["Files", "Dhcp", "Dhcp6", "Tftp", "Http"],

        // Boot entries, menus and their renderers; the configuration model; ISO images, detection and mounts.
        ["Boot", "Configuration", "Iso"],

        // Client inventory, diagnostics (probes, the client simulator), storage behind the engine's interfaces.
        ["Clients", "Diagnostics", "Storage"],

        // The host: composes the servers over one namespace; the server registry.
        ["Hosting"],
    ];

    [Fact]
    public void NoNamespaceNamesOneAboveIt()
    {
        IReadOnlyList<string> violations = Violations(Layers, EngineTypeGraph.Dependencies);
        foreach (string violation in violations)
        {
            output.WriteLine(violation);
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void EveryEngineNamespaceHasARow()
    {
        var order = Order(Layers);
        foreach (string ns in EngineTypeGraph.Dependencies.SelectMany(d => new[] { d.FromNamespace, d.ToNamespace }).Distinct())
        {
            if (ns.StartsWith(Prefix, StringComparison.Ordinal))
            {
                Assert.True(Position(order, ns) >= 0, $"namespace {ns} has no row in LayeringTests.Layers; add it to the layer where it belongs");
            }
        }
    }

    [Fact]
    public void TheCheckSeesReferencesFromSignaturesAndMethodBodies()
    {
        // The host names the TFTP server in a property and the conflict check in a method body: with Hosting put at the bottom, both are reported.
        string[][] upsideDown = [["Hosting"], .. Layers.Select(layer => layer.Where(ns => ns != "Hosting").ToArray())];
        IReadOnlyList<string> violations = Violations(upsideDown, EngineTypeGraph.Dependencies);
        Assert.Contains($"{Prefix}Hosting.PxeServer -> {Prefix}Tftp.TftpServer", violations);
        Assert.Contains($"{Prefix}Hosting.PxeServer -> {Prefix}Diagnostics.DhcpConflictCheck", violations);
    }

    [Fact]
    public void TheGraphSeesATypeNamedOnlyInsideAMethodBody()
    {
        // DhcpIntake calls DhcpProbeFilter.IsFromThisHost in a method body only: no field or signature names it.
        Assert.Contains(new TypeDependency($"{Prefix}Dhcp.DhcpIntake", $"{Prefix}Dhcp.DhcpProbeFilter"), EngineTypeGraph.Dependencies);
    }

    /// <summary>Every dependency from a namespace to one listed after it, as "From -> To".</summary>
    internal static IReadOnlyList<string> Violations(string[][] layers, IEnumerable<TypeDependency> dependencies)
    {
        var order = Order(layers);
        var violations = new List<string>();
        foreach (TypeDependency dependency in dependencies)
        {
            if (!dependency.FromNamespace.StartsWith(Prefix, StringComparison.Ordinal) || !dependency.ToNamespace.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            int from = Position(order, dependency.FromNamespace);
            int to = Position(order, dependency.ToNamespace);
            if (from >= 0 && to > from)
            {
                violations.Add($"{dependency.From} -> {dependency.To}");
            }
        }

        return violations;
    }

    private const string Prefix = "PxePowerShell.Engine.";

    private static List<string> Order(string[][] layers) => [.. layers.SelectMany(layer => layer)];

    /// <summary>The row of <paramref name="ns"/> or of its nearest listed parent; -1 when none is listed.</summary>
    private static int Position(List<string> order, string ns)
    {
        string relative = ns[Prefix.Length..];
        while (true)
        {
            int index = order.IndexOf(relative);
            if (index >= 0)
            {
                return index;
            }

            int dot = relative.LastIndexOf('.');
            if (dot < 0)
            {
                return -1;
            }

            relative = relative[..dot];
        }
    }
}
