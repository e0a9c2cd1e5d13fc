-- The fleet's client inventory and its events. One pxe_client row per machine (keyed by MAC; a client seen only over
-- TFTP/HTTP before any DHCP exchange has a row keyed by its IP address until DHCP links a MAC to it), merged from every
-- server's sightings; server is the node whose sighting was newest, the one that saw its last boot.
CREATE TABLE pxe_client (
    id              bigserial   PRIMARY KEY,
    mac             text        UNIQUE,
    ip              inet,
    architecture    text,
    vendor_class    text,
    uuid            uuid,
    host_name       text,
    first_seen      timestamptz,
    last_seen       timestamptz,
    last_boot_file  text,
    boot_entry      text,
    boot_count      integer     NOT NULL DEFAULT 0,
    last_error      text,
    last_boot_xid   bigint,
    server          text
);
CREATE UNIQUE INDEX pxe_client_ip_only ON pxe_client (ip) WHERE mac IS NULL;
CREATE INDEX pxe_client_ip ON pxe_client (ip);

-- Every server's events (what Get-PxeEvent shows), appended in batches; node is the store's server name of the server
-- that recorded it. Retention is bounded by the servers: rows older than the retention age, or beyond the newest
-- retention count, are deleted as new ones arrive. A client's boot trace is read from here.
CREATE TABLE pxe_event (
    id                  bigserial   PRIMARY KEY,
    time                timestamptz NOT NULL,
    kind                text        NOT NULL,
    server              text        NOT NULL,
    node                text        NOT NULL,
    protocol            text        NOT NULL,
    client_address      inet,
    endpoint_address    inet,
    endpoint_port       integer,
    mac                 text,
    duid                text,
    architecture        text,
    architecture_id     integer,
    vendor_class        text,
    uuid                uuid,
    user_class          text,
    server_identifier   inet,
    transaction_id      bigint,
    message_type        text,
    path                text,
    boot_file           text,
    ip_address          inet,
    bytes               bigint,
    block_size          integer,
    window_size         integer,
    retransmits         integer,
    duration            interval,
    error               text,
    reason              text
);
CREATE INDEX pxe_event_time ON pxe_event (time);
CREATE INDEX pxe_event_mac ON pxe_event (mac, time) WHERE mac IS NOT NULL;
CREATE INDEX pxe_event_client ON pxe_event (coalesce(client_address, endpoint_address), time);
