namespace PxePowerShell.Engine.Tests.Architecture;

/// <summary>
/// The engine's public types, approved one by one: the cmdlets, the host, the help builder, the benchmarks, the test
/// host and script classes (a server written in PowerShell implements IPxeService) use them, or they are the seams a
/// store or a file source plugs into (docs/architecture.md). Everything else is internal. A new public type is a
/// decision: add it here with the change that needs it; a type that no longer needs to be public leaves the list.
/// </summary>
public sealed class PublicSurfaceTests
{
    /// <summary>Full names below PxePowerShell.Engine (a nested type as Outer+Inner).</summary>
    private static readonly string[] Approved =
    [
        "Boot.BootArchitecture",
        "Boot.BootArchitectures",
        "Boot.BootClient",
        "Boot.BootConfiguration",
        "Boot.BootEntry",
        "Boot.BootEntryException",
        "Boot.BootEntryFile",
        "Boot.BootEntryIssue",
        "Boot.BootEntryKind",
        "Boot.BootEntryStore",
        "Boot.BootEntryValidator",
        "Boot.BootErrorIds",
        "Boot.BootIssueSeverity",
        "Boot.BootLoader",
        "Boot.BootMenu",
        "Boot.BootMenuExporter",
        "Boot.BootMenuFormat",
        "Boot.BootMenuLayout",
        "Boot.BootMenuRenderer",
        "Boot.BootMenuSettings",
        "Boot.BootRenderOptions",
        "Boot.GeneratedMenuMount",
        "Boot.GeneratedMenuSource",
        "Boot.Grub.GrubConversion",
        "Boot.Grub.GrubImporter",
        "Boot.IBootEntryStorage",
        "Boot.JsonBootEntryStorage",
        "Boot.MultibootModule",
        "Boot.SecureBoot.SecureBootChain",
        "Boot.Syslinux.SyslinuxConversion",
        "Boot.Syslinux.SyslinuxImporter",
        "Boot.Syslinux.SyslinuxWarning",
        "Clients.BootTrace",
        "Clients.BootTraceOutcome",
        "Clients.BootTraceStep",
        "Clients.ClientAssignmentChangedEventArgs",
        "Clients.ClientChanges",
        "Clients.ClientInventoryObserver",
        "Clients.ClientQuery",
        "Clients.ClientRecord",
        "Clients.ClientRegistry",
        "Clients.ClientSighting",
        "Clients.IClientStore",
        "Clients.SqliteClientStore",
        "Configuration.DhcpMode",
        "Configuration.Dnsmasq.DnsmasqConversion",
        "Configuration.Dnsmasq.DnsmasqImporter",
        "Configuration.Dnsmasq.DnsmasqWarning",
        "Configuration.IsoMountConfiguration",
        "Configuration.PxeConfigurationException",
        "Configuration.PxeConfigurationFile",
        "Configuration.PxeConfigurationValues",
        "Configuration.PxeDataDirectory",
        "Configuration.PxeServerConfiguration",
        "Dhcp.AddressState",
        "Dhcp.ClientArchitecture",
        "Dhcp.ClientArchitectures",
        "Dhcp.DhcpInterface",
        "Dhcp.DhcpLease",
        "Dhcp.DhcpReservation",
        "Dhcp.DhcpServer",
        "Dhcp.DhcpServerOptions",
        "Dhcp.DhcpServerStatistics",
        "Dhcp.ILeaseStorage",
        "Dhcp.ILeaseStore",
        "Dhcp.IPv4",
        "Dhcp.JournalLeaseStorage",
        "Dhcp.JournalLeaseStore",
        "Dhcp.LeaseStoreContents",
        "Dhcp.ProxyDhcpServer",
        "Dhcp.ProxyDhcpServerOptions",
        "Dhcp.PxeBootOptions",
        "Dhcp.PxeMenuEntry",
        "Dhcp6.Dhcp6Duid",
        "Dhcp6.Dhcp6Interface",
        "Dhcp6.Dhcp6Server",
        "Dhcp6.Dhcp6ServerOptions",
        "Diagnostics.DhcpServerAnswer",
        "Diagnostics.DhcpServerProbe",
        "Diagnostics.PxeClientSimulator",
        "Diagnostics.PxeClientSimulatorOptions",
        "Diagnostics.PxeTestProgress",
        "Diagnostics.PxeTestResult",
        "Diagnostics.PxeTestStep",
        "Events.EventHub",
        "Events.EventHub+Subscription",
        "Events.PxeEvent",
        "Events.PxeEventKind",
        "Events.PxeProtocol",
        "Files.BootFileResult",
        "Files.BootFileStatus",
        "Files.BootFileWriteResult",
        "Files.BootMount",
        "Files.BootNamespace",
        "Files.BootPath",
        "Files.BootRequestContext",
        "Files.DirectoryFileSource",
        "Files.FileMapSource",
        "Files.IBootFile",
        "Files.IBootFileSource",
        "Files.IBootFileWriter",
        "Files.IWritableBootFileSource",
        "Files.PhysicalExtent",
        "Hosting.PxeHost",
        "Hosting.PxeHostOptions",
        "Hosting.PxeServer",
        "Hosting.PxeServerStatistics",
        "Hosting.ServerRegistry",
        "Http.HttpBootServer",
        "Http.HttpBootServerOptions",
        "Http.HttpStatistics",
        "Iso.IIsoFileSystem",
        "Iso.IIsoMountStorage",
        "Iso.IsoBootFile",
        "Iso.IsoBootImage",
        "Iso.IsoEntry",
        "Iso.IsoEntryKind",
        "Iso.IsoExtent",
        "Iso.IsoFileSource",
        "Iso.IsoFormatException",
        "Iso.IsoImage",
        "Iso.IsoImageFile",
        "Iso.IsoItem",
        "Iso.IsoMount",
        "Iso.IsoMountTable",
        "Iso.JsonIsoMountStorage",
        "Net.DhcpMessageType",
        "Net.MacAddress",
        "Services.IPxeService",
        "Services.IPxeServiceGroup",
        "Services.PxeServerState",
        "Services.PxeServiceBase",
        "Services.PxeStartFailure",
        "Services.PxeStartFailures",
        "Storage.EmbeddedStorage",
        "Storage.IPxeStorage",
        "Storage.LeaseFamily",
        "Storage.PxeStorageException",
        "Tftp.TftpServer",
        "Tftp.TftpServerOptions",
        "Tftp.TftpStatistics",
    ];

    [Fact]
    public void OnlyApprovedTypesArePublic()
    {
        const string prefix = "PxePowerShell.Engine.";
        var exported = typeof(PxePowerShell.Engine.Events.EventHub).Assembly.GetExportedTypes()
            .Select(type => type.FullName!.StartsWith(prefix, StringComparison.Ordinal) ? type.FullName[prefix.Length..] : type.FullName)
            .ToHashSet(StringComparer.Ordinal);
        var added = exported.Except(Approved).Order(StringComparer.Ordinal).ToList();
        var removed = Approved.Except(exported).Order(StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"public but not approved (make it internal, or approve it here): {string.Join(", ", added)}; approved but not public (remove from the list): {string.Join(", ", removed)}");
    }

    [Fact]
    public void TheDhcpCodecIsNotPublic()
    {
        // The mutable message with its settable byte arrays stays inside the engine (and its tests and fuzzers).
        Assert.False(typeof(PxePowerShell.Engine.Dhcp.DhcpMessage).IsPublic);
        Assert.DoesNotContain("Dhcp.DhcpMessage", Approved);
    }
}
