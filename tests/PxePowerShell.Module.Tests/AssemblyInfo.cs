// The module keeps process-wide state, as it does inside pwsh: the running servers, the event hub, the data
// directory. New-PxeBootEntry, for one, checks files against the one running TFTP server. Test classes therefore
// run one after another, so that no class sees another's servers.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
