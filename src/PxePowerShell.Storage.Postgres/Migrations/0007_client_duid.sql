-- The DHCPv6 DUID in the fleet's inventory (as the embedded inventory's schema version 3). A client whose DUID carries
-- a MAC (DUID-LL/LLT, or a relay's client link-layer address) keeps its row keyed by MAC with the DUID beside it; one
-- whose DUID carries none (DUID-EN, DUID-UUID) has a row keyed by the DUID (mac NULL) until a sighting links the DUID to
-- a MAC. The IP-only rows are those with neither a MAC nor a DUID.
ALTER TABLE pxe_client ADD COLUMN duid text;
DROP INDEX pxe_client_ip_only;
CREATE UNIQUE INDEX pxe_client_ip_only ON pxe_client (ip) WHERE mac IS NULL AND duid IS NULL;
CREATE UNIQUE INDEX pxe_client_duid_only ON pxe_client (duid) WHERE mac IS NULL;
CREATE INDEX pxe_client_duid ON pxe_client (duid);
