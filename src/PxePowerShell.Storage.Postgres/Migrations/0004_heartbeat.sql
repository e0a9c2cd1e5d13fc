-- Heartbeats of the servers of a high-availability group (docs/fleet.md): one row per server name (lower case), the
-- time of its last heartbeat by the database's clock, so that peers judge each other's age by one clock. A server that
-- stops sets its beat to the epoch: its peers take its clients at their next heartbeat instead of waiting for it to age.
CREATE TABLE pxe_heartbeat (
    server      text        PRIMARY KEY,
    beat        timestamptz NOT NULL,
    first_beat  timestamptz NOT NULL DEFAULT now()      -- when the server first joined
);
