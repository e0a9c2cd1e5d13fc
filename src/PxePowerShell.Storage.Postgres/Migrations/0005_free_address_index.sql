-- The allocator's two lookups: the lowest free address of a range (rows with no client), and the longest-expired lease.
-- Without them each DISCOVER read and sorted every row of the range (tens of thousands in a /16).
CREATE INDEX pxe_lease_free ON pxe_lease (scope, address) WHERE client_id IS NULL;
CREATE INDEX pxe_lease_expiry ON pxe_lease (scope, expiry) WHERE client_id IS NOT NULL;
