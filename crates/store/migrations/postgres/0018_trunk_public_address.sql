-- The address Patchbay advertises to a trunk's carrier in Via, Contact and SDP, when it differs
-- from the server's sip_public_address (a carrier reached through another network or NAT).
-- NULL: the server's.
ALTER TABLE trunks ADD COLUMN public_address TEXT;
