using System.Management.Automation;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Cmdlets;

/// <summary>Gets the events of the session's servers: the recent ones, or (with -Wait) each new one as it happens.</summary>
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

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Timeout is { } limit)
        {
            RequireTimeSpan(nameof(Timeout), limit, TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue), allowMinimum: true, "00:01:00");
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

        var history = ModuleState.Events.History().Where(Matches).ToList();
        int skip = Newest > 0 ? Math.Max(0, history.Count - Newest) : 0;
        foreach (var item in history.Skip(skip))
        {
            WriteObject(item);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
