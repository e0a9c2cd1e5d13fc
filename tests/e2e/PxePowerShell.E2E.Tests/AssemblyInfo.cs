// QEMU without KVM needs both cores: boot one guest at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
