// QEMU without KVM needs both cores: boot one guest at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The lab is Linux-only (namespaces, tap, QEMU, Debian packages).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
