namespace PxePowerShell.Engine.Services;

/// <summary>
/// Marks the exceptions servers throw at start with a <see cref="PxeStartFailure"/> (in <see cref="Exception.Data"/>, so the
/// exception keeps its natural type: IOException, UnauthorizedAccessException, ArgumentException), and reads it back
/// for callers that turn failures into advice — the cmdlets' ErrorIds — without matching message text.
/// </summary>
public static class PxeStartFailures
{
    private const string Key = "PxePowerShell.StartFailure";
    private const string PartKey = "PxePowerShell.StartPart";
    private const string PortKey = "PxePowerShell.StartPort";

    /// <summary>
    /// Marks <paramref name="exception"/> as the failure of one part of a composed server (e.g. "TFTP" on port
    /// <paramref name="port"/>), so the error names that part and its port rather than another one. A port already
    /// marked by the part itself (the one of several it could not bind) is kept.
    /// </summary>
    public static TException TagPart<TException>(TException exception, string part, int port)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[PartKey] = part;
        if (PortOf(exception) is null)
        {
            exception.Data[PortKey] = port;
        }

        return exception;
    }

    /// <summary>Marks the port a listener could not bind on <paramref name="exception"/>.</summary>
    public static TException TagPort<TException>(TException exception, int port)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[PortKey] = port;
        return exception;
    }

    /// <summary>The part of a composed server that failed to start (see <see cref="TagPart"/>), else null.</summary>
    public static string? PartOf(Exception? exception) => Find(exception, PartKey) as string;

    /// <summary>The port that failed to bind, when marked, else null.</summary>
    public static int? PortOf(Exception? exception) => Find(exception, PortKey) as int?;

    private static object? Find(Exception? exception, string key)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Data[key] is { } value)
            {
                return value;
            }
        }

        return null;
    }

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
