-- One allocation, one round trip (issue 20): what PostgresLeaseStore.TryAllocate sent as BEGIN, up to five statements
-- and COMMIT, each a round trip of its own, runs here inside the database, in the transaction of the one statement that
-- calls it (SELECT * FROM pxe_allocate(...), no explicit transaction). The guarantees are the table's, unchanged: one row
-- per address (its primary key), at most one address per client and scope (pxe_lease_one_per_client, a violation aborts
-- the call and the caller runs it again), free rows taken under a row lock with FOR UPDATE SKIP LOCKED. In order: the
-- client's reservation in the subnet, else its own row in the range, else (its other rows freed) the requested address
-- when it is free or expired, else the next free address after p_after (the address the calling server gave last, as
-- Kea's iterative allocator goes on from its last one: the scan does not step again over every address given since the
-- rows were last vacuumed), else the lowest free address, else the longest-expired lease. Nothing when the range is
-- exhausted. An offer (p_state 'Offered') commits without waiting for the WAL flush (synchronous_commit off for this
-- transaction only, as Kea does not persist offers at all): a crash may forget an offer, never an acknowledged lease,
-- whose commit waits for the WAL up to itself and so for every offer before it.
CREATE FUNCTION pxe_allocate(
    p_scope inet, p_subnet cidr, p_start inet, p_end inet, p_excluded inet[], p_client text, p_host text,
    p_requested inet, p_state text, p_now timestamptz, p_duration interval, p_server text, p_after inet)
RETURNS TABLE (r_address text, r_scope text, r_client text, r_host text, r_state text, r_expiry timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_address inet;
    v_seconds bigint;
BEGIN
    IF p_state = 'Offered' THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;

    SELECT r.address, r.lease_seconds INTO v_address, v_seconds
    FROM pxe_reservation r WHERE r.client_id = p_client AND r.address <<= p_subnet;
    IF FOUND THEN
        UPDATE pxe_lease l SET client_id = NULL, host_name = NULL, state = 'Free', expiry = NULL, server = p_server, updated = now()
        WHERE l.scope = p_scope AND l.client_id = p_client AND l.state <> 'Declined' AND l.address <> v_address;
        RETURN QUERY
        INSERT INTO pxe_lease AS l (address, scope, client_id, host_name, state, expiry, server)
        VALUES (v_address, p_scope, p_client, p_host,
                CASE WHEN p_state = 'Offered' THEN 'Offered' ELSE 'ActiveReservation' END,
                p_now + CASE WHEN p_state = 'Offered' THEN p_duration ELSE coalesce(make_interval(secs => v_seconds), p_duration) END,
                p_server)
        ON CONFLICT (address) DO UPDATE SET scope = excluded.scope, client_id = excluded.client_id, host_name = excluded.host_name,
            state = excluded.state, expiry = excluded.expiry, server = excluded.server, updated = now()
        RETURNING host(l.address), host(l.scope), l.client_id, l.host_name, l.state, l.expiry;
        RETURN;
    END IF;

    -- The client's own row in the range (an offer renewed keeps an unexpired acknowledged lease as it is).
    RETURN QUERY
    UPDATE pxe_lease l SET
        state = CASE WHEN p_state = 'Offered' AND l.state IN ('Active', 'ActiveReservation') AND l.expiry > p_now THEN l.state ELSE p_state END,
        expiry = CASE WHEN p_state = 'Offered' AND l.state IN ('Active', 'ActiveReservation') AND l.expiry > p_now THEN l.expiry ELSE p_now + p_duration END,
        host_name = coalesce(p_host, l.host_name), server = p_server, updated = now()
    WHERE l.address = (
        SELECT o.address FROM pxe_lease o
        WHERE o.scope = p_scope AND o.client_id = p_client AND o.state <> 'Declined'
          AND o.address BETWEEN p_start AND p_end AND o.address <> ALL (p_excluded)
          AND NOT EXISTS (SELECT 1 FROM pxe_reservation r WHERE r.address = o.address)
        LIMIT 1 FOR UPDATE)
    RETURNING host(l.address), host(l.scope), l.client_id, l.host_name, l.state, l.expiry;
    IF FOUND THEN
        RETURN;
    END IF;

    -- The client moves: its other rows in the scope (an address that left the range) are freed first, so the unique
    -- index holds; a concurrent allocation for the same client then fails on it and is run again.
    UPDATE pxe_lease l SET client_id = NULL, host_name = NULL, state = 'Free', expiry = NULL, server = p_server, updated = now()
    WHERE l.scope = p_scope AND l.client_id = p_client AND l.state <> 'Declined';

    v_address := NULL;
    IF p_requested IS NOT NULL THEN
        SELECT f.address INTO v_address FROM pxe_lease f
        WHERE f.address = p_requested AND f.scope = p_scope AND (f.client_id IS NULL OR f.state = 'Expired' OR f.expiry <= p_now)
          AND f.address BETWEEN p_start AND p_end AND f.address <> ALL (p_excluded)
          AND NOT EXISTS (SELECT 1 FROM pxe_reservation r WHERE r.address = f.address)
        FOR UPDATE SKIP LOCKED;
    END IF;

    IF v_address IS NULL AND p_after IS NOT NULL THEN
        -- the next free row after the one this server gave last (pxe_lease_free of migration 5: one index range scan)
        SELECT f.address INTO v_address FROM pxe_lease f
        WHERE f.scope = p_scope AND f.client_id IS NULL AND f.address > p_after AND f.address BETWEEN p_start AND p_end
          AND f.address <> ALL (p_excluded)
          AND NOT EXISTS (SELECT 1 FROM pxe_reservation r WHERE r.address = f.address)
        ORDER BY f.address
        LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;

    IF v_address IS NULL THEN
        -- else the lowest free row (from the start of the range again)
        SELECT f.address INTO v_address FROM pxe_lease f
        WHERE f.scope = p_scope AND f.client_id IS NULL AND f.address BETWEEN p_start AND p_end AND f.address <> ALL (p_excluded)
          AND NOT EXISTS (SELECT 1 FROM pxe_reservation r WHERE r.address = f.address)
        ORDER BY f.address
        LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;

    IF v_address IS NULL THEN
        -- else the longest-expired lease (pxe_lease_expiry)
        SELECT f.address INTO v_address FROM pxe_lease f
        WHERE f.scope = p_scope AND f.client_id IS NOT NULL AND (f.state = 'Expired' OR f.expiry <= p_now)
          AND f.address BETWEEN p_start AND p_end AND f.address <> ALL (p_excluded)
          AND NOT EXISTS (SELECT 1 FROM pxe_reservation r WHERE r.address = f.address)
        ORDER BY f.expiry, f.address
        LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;

    IF v_address IS NULL THEN
        RETURN;
    END IF;

    RETURN QUERY
    UPDATE pxe_lease l SET client_id = p_client, host_name = p_host, state = p_state, expiry = p_now + p_duration, server = p_server, updated = now()
    WHERE l.address = v_address
    RETURNING host(l.address), host(l.scope), l.client_id, l.host_name, l.state, l.expiry;
END
$$;
