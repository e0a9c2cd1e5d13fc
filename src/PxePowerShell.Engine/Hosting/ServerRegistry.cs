using PxePowerShell.Engine.Services;
namespace PxePowerShell.Engine.Hosting;

/// <summary>The servers running in this process, by unique name.</summary>
public sealed class ServerRegistry
{
    private readonly object _gate = new();
    private readonly List<IPxeService> _servers = [];
    /// <summary>The registry the module uses.</summary>
    public static ServerRegistry Default { get; } = new();
    /// <summary>The registered servers, in the order they were added.</summary>
    public IReadOnlyList<IPxeService> Servers
    {
        get
        {
            lock (_gate)
            {
                return [.. _servers];
            }
        }
    }

    /// <summary>
    /// Every running service including the parts of groups (the DHCP, TFTP and HTTP parts of Start-PxeServer), for
    /// tools that look for a kind of server (Get-PxeLease finds DHCP servers wherever they run).
    /// </summary>
    public IReadOnlyList<IPxeService> AllServices
    {
        get
        {
            var all = new List<IPxeService>();
            foreach (var server in Servers)
            {
                all.Add(server);
                if (server is IPxeServiceGroup group)
                {
                    all.AddRange(group.Services);
                }
            }

            return all;
        }
    }
    /// <summary>A name not yet used: <paramref name="role"/> in lower case followed by a number ("tftp1").</summary>
    public string NextName(string role)
    {
        lock (_gate)
        {
            for (int i = 1; ; i++)
            {
                string candidate = $"{role.ToLowerInvariant()}{i}";
                if (!_servers.Exists(s => string.Equals(s.Name, candidate, StringComparison.OrdinalIgnoreCase)))
                {
                    return candidate;
                }
            }
        }
    }
    /// <summary>Adds a server; throws when its name is taken.</summary>
    public void Add(IPxeService server)
    {
        lock (_gate)
        {
            if (_servers.Exists(s => string.Equals(s.Name, server.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"A server named '{server.Name}' already exists.");
            }
            _servers.Add(server);
        }
    }
    /// <summary>Removes a server; returns false when it was not registered.</summary>
    public bool Remove(IPxeService server)
    {
        lock (_gate)
        {
            return _servers.Remove(server);
        }
    }
    /// <summary>The server with this name (case-insensitive), or null.</summary>
    public IPxeService? Find(string name)
    {
        lock (_gate)
        {
            return _servers.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
