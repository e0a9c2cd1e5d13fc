using System.Net.Sockets;

namespace PxePowerShell.Engine;

/// <summary>
/// Why a server could not start, in the one error model: a stable <see cref="PxeException.ErrorId"/>
/// (<see cref="PxeErrorIds.PortInUse"/>, <see cref="PxeErrorIds.PortAccessDenied"/>, <see cref="PxeErrorIds.InterfaceNotFound"/>,
/// <see cref="PxeErrorIds.RangeOutsideSubnet"/> ...), its category, the <see cref="Port"/> that failed to bind and, for a
/// part of a composed server, the <see cref="Part"/> that failed ("TFTP"), with the original failure (the socket error,
/// the storage failure) as <see cref="Exception.InnerException"/>. The module turns it into an ErrorRecord in one place.
/// </summary>
public sealed class PxeStartException : PxeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorId">The stable identifier, one of <see cref="PxeErrorIds"/>.</param>
    /// <param name="category">What kind of failure it is.</param>
    /// <param name="message">What is wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <param name="port">The port that failed to bind, when one did.</param>
    /// <param name="part">The part of a composed server that failed ("TFTP", "DHCP"), when it is one.</param>
    public PxeStartException(string errorId, PxeErrorCategory category, string message, Exception? innerException = null, int? port = null, string? part = null)
        : base(errorId, category, message, innerException)
    {
        Port = port;
        Part = part;
    }

    /// <summary>The port that failed to bind, when known.</summary>
    public int? Port { get; }

    /// <summary>The part of a composed server that failed to start ("TFTP", "HTTP", "DHCP", "DHCPv6"), else null.</summary>
    public string? Part { get; }

    /// <summary>
    /// The failure of one part of a composed server, which tried to bind <paramref name="port"/>: the part's
    /// <see cref="PxeStartException"/> with the part named (its own port kept: the one of several it could not bind), or
    /// any other exception it threw classified by the same ids (a socket error by its code, a storage failure by its
    /// id) and kept as the inner exception.
    /// </summary>
    internal static PxeStartException InPart(Exception exception, string part, int port)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is PxeStartException start)
        {
            return new PxeStartException(start.ErrorId, start.Category, start.Message, start.InnerException, start.Port ?? port, part);
        }

        var (errorId, category) = exception switch
        {
            IPxeError error => (error.ErrorId, error.Category),
            SocketException { SocketErrorCode: SocketError.AccessDenied } => (PxeErrorIds.PortAccessDenied, PxeErrorCategory.PermissionDenied),
            SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => (PxeErrorIds.PortInUse, PxeErrorCategory.ResourceExists),
            SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => (PxeErrorIds.AddressNotAvailable, PxeErrorCategory.InvalidArgument),
            UnauthorizedAccessException => (PxeErrorIds.PortAccessDenied, PxeErrorCategory.PermissionDenied),
            ArgumentException => (PxeErrorIds.InvalidParameter, PxeErrorCategory.InvalidArgument),
            _ => (PxeErrorIds.ServerStartFailed, PxeErrorCategory.OpenError),
        };
        return new PxeStartException(errorId, category, exception.Message, exception, port, part) { WrapsPartFailure = true };
    }

    /// <summary>
    /// True when this names the <see cref="Part"/> of a composed server whose own failure (a socket error, a storage
    /// failure, any exception but a PxeStartException) is the <see cref="Exception.InnerException"/>, which says more.
    /// </summary>
    public bool WrapsPartFailure { get; private init; }
}
