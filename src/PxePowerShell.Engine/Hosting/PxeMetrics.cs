using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Metrics;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Hosting;

/// <summary>
/// Gathers the metrics of running services into a <see cref="MetricsSnapshot"/>: each part's typed statistics (DHCP,
/// DHCPv6, TFTP, HTTP) labelled by server name, pool use per range, and the store commit latency of the process
/// (<see cref="StoreLatency"/>). The metric names are listed in docs/fleet.md.
/// </summary>
internal static class PxeMetrics
{
    /// <summary>The path the HTTP part answers with the metrics (<see cref="Configuration.PxeServerConfiguration.Metrics"/>).</summary>
    public const string Path = "/-/metrics";

    /// <summary>The exposition text of <paramref name="services"/> (groups are expanded into their parts, each part counted once).</summary>
    public static string Render(IEnumerable<IPxeService> services) => PrometheusWriter.Write(Collect(services));

    /// <summary>The snapshot of <paramref name="services"/> and of the stores' latency.</summary>
    public static MetricsSnapshot Collect(IEnumerable<IPxeService> services)
    {
        var snapshot = new MetricsSnapshot();
        var seen = new HashSet<IPxeService>(ReferenceEqualityComparer.Instance);
        foreach (var service in Parts(services))
        {
            if (!seen.Add(service))
            {
                continue;
            }

            var server = ("server", service.Name);
            snapshot.Gauge("pxe_service_up", "1 while the part runs, else 0.", service.State == PxeServerState.Running ? 1 : 0, server, ("role", service.Role));
            switch (service)
            {
                case DhcpServer dhcp:
                    var statistics = dhcp.Statistics;
                    Dhcp(snapshot, statistics, server);
                    if (statistics.HighAvailability is { } ha)
                    {
                        HighAvailability(snapshot, ha, statistics, server);
                    }

                    if (dhcp.State == PxeServerState.Running)
                    {
                        Pool(snapshot, "pxe_dhcp", dhcp.GetLeases(), dhcp.Options.StartRange, dhcp.Options.EndRange, server);
                    }

                    break;
                case ProxyDhcpServer proxy:
                    Dhcp(snapshot, proxy.Statistics, server);
                    break;
                case Dhcp6Server dhcp6:
                    Dhcp6(snapshot, dhcp6.Statistics, server);
                    if (dhcp6.State == PxeServerState.Running && dhcp6.Options is { StartRange: { } start, EndRange: { } end })
                    {
                        Pool(snapshot, "pxe_dhcp6", dhcp6.GetLeases(), start, end, server);
                    }

                    break;
                case TftpServer tftp:
                    Tftp(snapshot, tftp.Statistics, server);
                    break;
                case HttpBootServer http:
                    Http(snapshot, http.Statistics, server);
                    break;
            }
        }

        foreach (var (store, histogram) in StoreLatency.All)
        {
            snapshot.Histogram("pxe_store_commit_duration_seconds", "Time a lease-store commit took: a journal flush (fsync) or a PostgreSQL transaction.", histogram.Snapshot(), ("store", store));
        }

        return snapshot;
    }

    private static IEnumerable<IPxeService> Parts(IEnumerable<IPxeService> services)
    {
        foreach (var service in services)
        {
            if (service is IPxeServiceGroup group)
            {
                foreach (var part in group.Services)
                {
                    yield return part;
                }
            }
            else
            {
                yield return service;
            }
        }
    }

    private static void Dhcp(MetricsSnapshot m, DhcpServerStatistics s, (string, string) server)
    {
        m.Counter("pxe_dhcp_received_total", "DHCPv4 datagrams received.", s.Received, server);
        m.Counter("pxe_dhcp_discovers_total", "DHCPDISCOVERs received.", s.Discovers, server);
        m.Counter("pxe_dhcp_requests_total", "DHCPREQUESTs received.", s.Requests, server);
        m.Counter("pxe_dhcp_offers_total", "DHCPOFFERs sent (full DHCP).", s.Offers, server);
        m.Counter("pxe_dhcp_acks_total", "DHCPACKs sent (full DHCP, INFORM answers included).", s.Acks, server);
        m.Counter("pxe_dhcp_naks_total", "DHCPNAKs sent.", s.Naks, server);
        m.Counter("pxe_dhcp_declines_total", "DHCPDECLINEs accepted.", s.Declines, server);
        m.Counter("pxe_dhcp_releases_total", "DHCPRELEASEs accepted.", s.Releases, server);
        m.Counter("pxe_dhcp_proxy_offers_total", "proxyDHCP offers sent.", s.ProxyOffers, server);
        m.Counter("pxe_dhcp_proxy_acks_total", "proxyDHCP ACKs sent (port 4011).", s.ProxyAcks, server);
        Dropped(m, "pxe_dhcp_dropped_total", "DHCPv4 datagrams not answered, by reason.", s, server);
    }

    /// <summary>Where a server of a high-availability group stands (its <see cref="DhcpHaStatus"/>), as Kea's ha-status-get and HA statistics say it.</summary>
    private static void HighAvailability(MetricsSnapshot m, DhcpHaStatus ha, DhcpServerStatistics s, (string, string) server)
    {
        m.Gauge("pxe_dhcp_ha_partner_down", "1 while this server answers the clients of a peer whose heartbeat stopped (Kea's partner-down state), else 0.", ha.State == DhcpHaState.PartnerDown ? 1 : 0, server);
        m.Gauge("pxe_dhcp_ha_buckets", "RFC 3074 load-balancing buckets (of 256) this server answers now.", ha.Buckets, server);
        foreach (var peer in ha.Peers)
        {
            m.Gauge("pxe_dhcp_ha_peer_up", "1 while the peer's heartbeat is younger than HaMaxResponseDelay, else 0.", peer.IsAlive ? 1 : 0, server, ("peer", peer.Name));
        }

        m.Counter("pxe_dhcp_ha_left_to_peers_total", "Client messages left to another server of the group (their bucket is that peer's).", s.LeftToPeers, server);
        m.Counter("pxe_dhcp_ha_heartbeat_failures_total", "Heartbeats that could not be written or read (the store was unreachable).", s.HeartbeatFailures, server);
    }

    private static void Dhcp6(MetricsSnapshot m, DhcpServerStatistics s, (string, string) server)
    {
        m.Counter("pxe_dhcp6_received_total", "DHCPv6 datagrams received.", s.Received, server);
        m.Counter("pxe_dhcp6_solicits_total", "SOLICITs received.", s.Discovers, server);
        m.Counter("pxe_dhcp6_requests_total", "REQUEST, RENEW, REBIND, CONFIRM and INFORMATION-REQUEST messages received.", s.Requests, server);
        m.Counter("pxe_dhcp6_advertises_total", "ADVERTISEs sent (boot-only answers included).", s.Offers + s.ProxyOffers, server);
        m.Counter("pxe_dhcp6_replies_total", "REPLYs sent (boot-only answers included).", s.Acks + s.ProxyAcks, server);
        m.Counter("pxe_dhcp6_declines_total", "DECLINEs accepted.", s.Declines, server);
        m.Counter("pxe_dhcp6_releases_total", "RELEASEs accepted.", s.Releases, server);
        Dropped(m, "pxe_dhcp6_dropped_total", "DHCPv6 datagrams not answered, by reason.", s, server);
    }

    private static void Dropped(MetricsSnapshot m, string name, string help, DhcpServerStatistics s, (string, string) server)
    {
        m.Counter(name, help, s.Malformed, server, ("reason", "malformed"));
        m.Counter(name, help, s.BadRelayAgents, server, ("reason", "bad_relay_agent"));
        m.Counter(name, help, Math.Max(0, s.Ignored - s.BadRelayAgents), server, ("reason", "ignored"));
        m.Counter(name, help, s.SendErrors, server, ("reason", "send_error"));
    }

    /// <summary>Pool use of one range: its size and how many of its addresses are assigned, offered and declined now.</summary>
    private static void Pool(MetricsSnapshot m, string prefix, IReadOnlyList<DhcpLease> leases, IPAddress start, IPAddress end, (string, string) server)
    {
        UInt128 first = Number(start), last = Number(end);
        long assigned = 0, offered = 0, declined = 0;
        foreach (var lease in leases)
        {
            var a = Number(lease.IPAddress);
            if (a < first || a > last)
            {
                continue;
            }

            switch (lease.AddressState)
            {
                case AddressState.Active or AddressState.ActiveReservation: assigned++; break;
                case AddressState.Offered: offered++; break;
                case AddressState.Declined: declined++; break;
            }
        }

        var range = ("range", $"{start}-{end}");
        m.Gauge(prefix + "_pool_addresses", "Addresses in the range.", (double)(last - first + 1), server, range);
        m.Gauge(prefix + "_pool_assigned_addresses", "Addresses of the range leased now (unexpired, reservations included).", assigned, server, range);
        m.Gauge(prefix + "_pool_offered_addresses", "Addresses of the range offered and not yet requested.", offered, server, range);
        m.Gauge(prefix + "_pool_declined_addresses", "Addresses of the range declined and on probation.", declined, server, range);
    }

    private static UInt128 Number(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPv4.ToUInt32(address) : Dhcp6Addresses.ToUInt128(address);

    private static void Tftp(MetricsSnapshot m, TftpStatistics s, (string, string) server)
    {
        m.Counter("pxe_tftp_transfers_started_total", "TFTP transfers started.", s.TotalSessions, server);
        m.Counter("pxe_tftp_transfers_completed_total", "TFTP transfers that delivered every byte.", s.CompletedTransfers, server);
        m.Counter("pxe_tftp_transfers_failed_total", "TFTP transfers that ended early.", s.FailedTransfers, server);
        m.Counter("pxe_tftp_sent_bytes_total", "File bytes delivered over TFTP (acknowledged).", s.BytesSent, server);
        m.Counter("pxe_tftp_received_bytes_total", "File bytes received over TFTP (uploads).", s.BytesReceived, server);
        m.Counter("pxe_tftp_retransmits_total", "TFTP packets sent again.", s.Retransmits, server);
        m.Counter("pxe_tftp_refused_total", "TFTP requests refused (unsafe path, missing file, writes off, session cap).", s.RefusedRequests, server);
        m.Counter("pxe_tftp_dropped_total", "TFTP datagrams not answered, by reason.", s.MalformedDatagrams, server, ("reason", "malformed"));
        m.Counter("pxe_tftp_dropped_total", "TFTP datagrams not answered, by reason.", s.DuplicateRequests, server, ("reason", "duplicate"));
        m.Gauge("pxe_tftp_active_sessions", "TFTP transfers in progress.", s.ActiveSessions, server);
    }

    private static void Http(MetricsSnapshot m, HttpStatistics s, (string, string) server)
    {
        m.Counter("pxe_http_transfers_started_total", "HTTP bodies (GET 200/206) whose sending began.", s.TransfersStarted, server);
        m.Counter("pxe_http_transfers_completed_total", "HTTP bodies delivered in full.", s.TransfersCompleted, server);
        m.Counter("pxe_http_transfers_failed_total", "HTTP bodies cut short.", s.TransfersFailed, server);
        m.Counter("pxe_http_sent_bytes_total", "Bytes sent over HTTP, heads and bodies (metrics responses included).", s.BytesSent, server);
        m.Counter("pxe_http_requests_total", "HTTP request heads received.", s.Requests, server);
        foreach (var (code, count) in new[] { ("2xx", s.Responses2xx), ("3xx", s.Responses3xx), ("4xx", s.Responses4xx), ("5xx", s.Responses5xx) })
        {
            m.Counter("pxe_http_responses_total", "HTTP responses by status class.", count, server, ("code", code));
        }

        m.Counter("pxe_http_connections_total", "HTTP connections accepted.", s.TotalConnections, server);
        m.Counter("pxe_http_rejected_connections_total", "HTTP connections refused with 503 (connection caps).", s.RejectedConnections, server);
        m.Counter("pxe_http_bad_requests_total", "HTTP requests refused as malformed or unsupported.", s.BadRequests, server);
        m.Counter("pxe_http_timeouts_total", "HTTP connections closed because the client was too slow.", s.TimedOut, server);
        m.Gauge("pxe_http_active_connections", "HTTP connections open now.", s.ActiveConnections, server);
    }
}
