using System.Net.NetworkInformation;

namespace PxePowerShell.Engine.Net;

/// <summary>
/// The one place that reads this machine's network interfaces. On Linux, .NET's reader throws
/// <see cref="ArgumentException"/> ("An invalid IP address was specified", dotnet/runtime#49515) when an interface or
/// address comes or goes while it reads (a veth or namespace being set up or torn down beside us): the read is
/// repeated until the set is stable, and one that never settles is a <see cref="PxeStartException"/> with an id.
/// </summary>
public static class NetworkInterfaces
{
    /// <summary>How often a read that met a changing interface set is tried before giving up.</summary>
    internal const int Attempts = 20;

    /// <summary>Every interface of this machine.</summary>
    public static NetworkInterface[] GetAll() => Read(NetworkInterface.GetAllNetworkInterfaces, Thread.Sleep);

    /// <summary><paramref name="read"/>, repeated past transient failures with a short, growing pause (<paramref name="pause"/>, in ms).</summary>
    internal static T Read<T>(Func<T> read, Action<int> pause)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (Exception ex) when (ex is ArgumentException or NetworkInformationException)
            {
                if (attempt >= Attempts)
                {
                    throw new PxeStartException(
                        PxeErrorIds.InterfaceNotFound,
                        PxeErrorCategory.ResourceUnavailable,
                        $"This machine's network interfaces could not be read ({ex.Message}) in {Attempts} attempts while interfaces were being added or removed; try again when the network configuration has settled.",
                        ex);
                }

                pause(Math.Min(attempt, 10));
            }
        }
    }
}
