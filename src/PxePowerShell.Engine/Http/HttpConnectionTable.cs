using System.Collections.Concurrent;
using System.Net;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// The open connections of an <see cref="HttpBootServer"/>, how many each client address holds (nginx's
/// <c>limit_conn</c> zone keyed by address) and which one has waited for a request the longest (the one to close when
/// the server is full, as nginx drains reusable keep-alive connections).
/// </summary>
internal sealed class HttpConnectionTable
{
    private readonly ConcurrentDictionary<HttpConnection, byte> _connections = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];

    /// <summary>The open connections.</summary>
    public ICollection<HttpConnection> Connections => _connections.Keys;

    /// <summary>The address a limit is kept for: IPv4-mapped IPv6 addresses count as their IPv4 address.</summary>
    public static IPAddress? KeyOf(IPEndPoint? remote) =>
        remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address;

    /// <summary>Counts one more connection for <paramref name="address"/> unless it holds <paramref name="limit"/> already (0 = no limit).</summary>
    public bool TryReserve(IPAddress? address, int limit)
    {
        if (address is null)
        {
            return true;
        }

        lock (_perAddress)
        {
            int held = _perAddress.GetValueOrDefault(address);
            if (limit > 0 && held >= limit)
            {
                return false;
            }

            _perAddress[address] = held + 1;
            return true;
        }
    }

    /// <summary>Gives back a reservation of <see cref="TryReserve"/>.</summary>
    public void Release(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        lock (_perAddress)
        {
            int held = _perAddress.GetValueOrDefault(address) - 1;
            if (held <= 0)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = held;
            }
        }
    }

    /// <summary>How many connections <paramref name="address"/> holds now.</summary>
    public int CountOf(IPAddress address)
    {
        lock (_perAddress)
        {
            return _perAddress.GetValueOrDefault(address);
        }
    }

    public void Add(HttpConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(HttpConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>The connection that has waited for a request the longest (idle keep-alive or slow head), or null when every one is busy.</summary>
    public HttpConnection? Idlest()
    {
        HttpConnection? idlest = null;
        long oldest = long.MaxValue;
        foreach (var connection in _connections.Keys)
        {
            long since = connection.WaitingSince;
            if (since >= 0 && since < oldest)
            {
                oldest = since;
                idlest = connection;
            }
        }

        return idlest;
    }
}
