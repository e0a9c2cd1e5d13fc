namespace PxePowerShell.Engine.Hosting;

/// <summary>
/// Marks the exceptions servers throw at start with a <see cref="PxeStartFailure"/> (in <see cref="Exception.Data"/>, so the
/// exception keeps its natural type: IOException, UnauthorizedAccessException, ArgumentException), and reads it back
/// for callers that turn failures into advice — the cmdlets' ErrorIds — without matching message text.
/// </summary>
public static class PxeStartFailures
{
    private const string Key = "PxePowerShell.StartFailure";

    /// <summary>Marks <paramref name="exception"/> with <paramref name="failure"/> and returns it, for <c>throw Tag(...)</c>.</summary>
    public static TException Tag<TException>(TException exception, PxeStartFailure failure)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[Key] = failure;
        return exception;
    }

    /// <summary>The failure marked on <paramref name="exception"/> or on one of its inner exceptions, else null.</summary>
    public static PxeStartFailure? Of(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Data[Key] is PxeStartFailure failure)
            {
                return failure;
            }
        }

        return null;
    }
}
