using System.Management.Automation;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Gets the events of the session's servers: the recent ones, or (with -Wait) each new one as it happens; with -Store
/// (or when the session's storage is a shared database) the whole fleet's recorded events.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PxeEvent")]
[OutputType(typeof(PxeEvent))]
public sealed class GetPxeEventCommand : PxeCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Only events of these servers (names, wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ServerNameTransformation]
    [ArgumentCompleter(typeof(ServerNameCompleter))]
    public string[]? Server { get; set; }

    /// <summary>Only events of these kinds.</summary>
    [Parameter]
    public PxeEventKind[]? Kind { get; set; }

    /// <summary>Only the newest N remembered events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Newest { get; set; }

    /// <summary>Keep writing new events as they happen until Ctrl+C (or -Timeout).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: stop after this long.</summary>
    [Parameter]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Read the fleet's recorded events from this PostgreSQL database (a connection string); no server needed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Timeout is { } limit)
        {
            RequireTimeSpan(nameof(Timeout), limit, TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue), allowMinimum: true, "00:01:00");
        }

        if (Store is not null && Wait)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, "-Store", "-Store reads the events the fleet recorded; -Wait follows this session's servers as they publish. Use one or the other."));
        }

        var patterns = Server?.Select(s => new WildcardPattern(s, WildcardOptions.IgnoreCase)).ToArray();
        bool Matches(PxeEvent e) =>
            (patterns is null || patterns.Any(p => p.IsMatch(e.Server)))
            && (Kind is null || Kind.Contains(e.Kind));

        if (Wait)
        {
            using var subscription = ModuleState.Events.Subscribe();
            if (Timeout is { } timeout)
            {
                _stopping.CancelAfter(timeout);
            }

            EventPump.Run(this, subscription, Matches, null, _stopping.Token);
            return;
        }

        // The store does the kind and count filter; server names may be wildcards, so they are matched here.
        var query = new PxeEventQuery { Kinds = Kind, Newest = Newest > 0 && patterns is null ? Newest : null };
        var history = ReadStore(() => Store is { } store ? StoreSetting.Events(store, query) : SessionEvents(query)).Where(Matches).ToList();
        int skip = Newest > 0 ? Math.Max(0, history.Count - Newest) : 0;
        foreach (var item in history.Skip(skip))
        {
            WriteObject(item);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The session's events: its in-memory history, or the shared database its storage writes them to (what it still queues written first, for at most two seconds).</summary>
    private IReadOnlyList<PxeEvent> SessionEvents(PxeEventQuery query)
    {
        var events = ModuleState.Events;
        if (events.Store is not MemoryEventStore)
        {
            try
            {
                events.FlushStoreAsync(_stopping.Token).WaitAsync(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                WriteWarning("Recent events are still being written to the store; the newest may be missing.");
            }
        }

        return events.Store.Query(query);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
