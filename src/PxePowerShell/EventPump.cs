using System.Management.Automation;
using PxePowerShell.Engine.Events;

namespace PxePowerShell;

/// <summary>Writes events from a subscription to a cmdlet's pipeline, on the pipeline thread, until told to stop.</summary>
internal static class EventPump
{
    /// <summary>
    /// Pumps until <paramref name="until"/> completes (the server stopped) or <paramref name="cancellation"/> fires (Ctrl+C).
    /// Events already queued when the server stops are still written.
    /// </summary>
    public static void Run(Cmdlet cmdlet, EventHub.Subscription subscription, Func<PxeEvent, bool> filter, Task? until, CancellationToken cancellation)
    {
        var reader = subscription.Reader;
        while (!cancellation.IsCancellationRequested)
        {
            while (reader.TryRead(out var item))
            {
                Write(cmdlet, item, filter);
            }

            if (until is { IsCompleted: true })
            {
                // Drain what the server published while stopping, then end.
                while (reader.TryRead(out var item))
                {
                    Write(cmdlet, item, filter);
                }

                return;
            }

            var waitForData = reader.WaitToReadAsync(cancellation).AsTask();
            try
            {
                if (until is null)
                {
                    waitForData.GetAwaiter().GetResult();
                }
                else
                {
                    Task.WhenAny(waitForData, until).GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (waitForData.IsCompletedSuccessfully && !waitForData.Result)
            {
                return; // the subscription was closed
            }
        }
    }

    /// <summary>Writes an event that passes the filter; a Warning event also goes to the warning stream, where people see it.</summary>
    private static void Write(Cmdlet cmdlet, PxeEvent item, Func<PxeEvent, bool> filter)
    {
        if (!filter(item))
        {
            return;
        }

        if (item.Kind == PxeEventKind.Warning && item.Reason is not null)
        {
            cmdlet.WriteWarning(item.Reason);
        }

        cmdlet.WriteObject(item);
    }
}
