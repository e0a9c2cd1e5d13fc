-- Leases (DHCPv4 and DHCPv6 addresses) and reservations. One row per address: the primary key is what makes an
-- address impossible to lease twice; the partial unique index is what gives a client at most one address per scope.
CREATE TABLE pxe_lease (
    address     inet        PRIMARY KEY,
    scope       inet        NOT NULL,
    client_id   text,                               -- NULL: free (a range's row, never leased or removed)
    host_name   text,
    state       text        NOT NULL DEFAULT 'Free', -- AddressState names, or Free
    expiry      timestamptz,
    server      text,                               -- the server that wrote the row last
    updated     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pxe_lease_one_per_client ON pxe_lease (scope, client_id)
    WHERE client_id IS NOT NULL AND client_id <> '' AND state <> 'Declined';

CREATE TABLE pxe_reservation (
    address         inet    PRIMARY KEY,
    client_id       text    NOT NULL UNIQUE,
    name            text,
    lease_seconds   bigint
);
