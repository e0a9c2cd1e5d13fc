-- Sets that are read and written whole (boot entries and menu settings, a server's ISO mount table): one row each, a
-- version that every write increments (the cheap change token the servers compare), and a notification on the
-- pxe_changed channel so that LISTENing servers can read the new set at once.
CREATE TABLE pxe_document (
    name        text        PRIMARY KEY,
    body        text        NOT NULL,
    version     bigint      NOT NULL,
    server      text,
    updated     timestamptz NOT NULL DEFAULT now()
);
