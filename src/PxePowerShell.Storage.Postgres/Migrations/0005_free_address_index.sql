-- The allocator's lookups, each one index range scan instead of a read (and sort) of every row of the range per DISCOVER:
-- the lowest free address of a range (rows with no client), the longest-expired lease, and a client's own rows (the
-- unique index of migration 1 is partial on client_id <> '', which a parameterised client_id = $2 cannot use).
CREATE INDEX pxe_lease_free ON pxe_lease (scope, address) WHERE client_id IS NULL;
CREATE INDEX pxe_lease_expiry ON pxe_lease (scope, expiry) WHERE client_id IS NOT NULL;
CREATE INDEX pxe_lease_client ON pxe_lease (scope, client_id) WHERE client_id IS NOT NULL;
