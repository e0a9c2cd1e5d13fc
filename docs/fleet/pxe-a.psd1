# PxePowerShell fleet node pxe-a (docs/fleet.md): Start-PxeServer -ConfigurationPath /etc/pxepowershell/pxe-a.psd1 -Wait,
# run by compose.yaml or by systemd as pxepowershell@pxe-a.service. Both nodes lease from the same range of the
# shared database and form one high-availability group (HaPeers): each answers half of the clients, by RFC 3074 hash,
# and all of them while the other's heartbeat has stopped.
# Metrics are served at http://10.0.5.2:8080/-/metrics (Metrics = $false turns them off).
@{
    Name = 'pxe-a'
    Root = '/srv/tftp'
    DhcpMode = 'Dhcp'
    Addresses = @('10.0.5.2')
    RangeStart = '10.0.5.100'
    RangeEnd = '10.0.5.200'
    SubnetMask = '255.255.255.0'
    Router = @('10.0.5.1')
    DnsServers = @('10.0.5.1')
    LeaseDuration = '12:00:00'
    Http = $true
    HttpPort = 8080
    # The shared state: leases, reservations, boot entries, the client inventory and events, in one PostgreSQL
    # (allocation is one transaction there, so both nodes may lease from the same range):
    Store = 'Host=postgres;Database=pxe;Username=pxe;Password=change-me'
    # High availability, as Kea HA in load-balancing mode: the same list on every node, this node's Name in it. Each
    # heartbeats in the Store every HaHeartbeatDelay; a node whose heartbeat is older than HaMaxResponseDelay is down and
    # the other answers its clients until it is back (Get-PxeServer: GetStatistics().Dhcp.HighAvailability).
    HaPeers = @('pxe-a', 'pxe-b')
    HaHeartbeatDelay = '00:00:01'
    HaMaxResponseDelay = '00:00:03'
}
