-- The event-sourced ingestion service's tables (idempotent: run it as often as you like).
--   ingest.datasets  the service's state: one row per dataset, its latest version
--   ingest.outbox    the events, written in the same transaction as the state they describe,
--                    with the columns Debezium's outbox event router expects
--   ingest.catalog   a read model the consumer (catalog.sh) builds from the events
--   ingest.catalog_events  the events the consumer has applied (so applying twice is a no-op)
--   read_model.datasets    the query side: the latest event of each dataset, kept by
--                    `cdcctl apply` (read-model.sh), its position in cdcctl_apply_offsets
CREATE SCHEMA IF NOT EXISTS ingest;

CREATE TABLE IF NOT EXISTS ingest.datasets (
    name        text PRIMARY KEY,
    version     int NOT NULL,
    rows        int NOT NULL,
    sha256      text NOT NULL,
    status      text NOT NULL CHECK (status IN ('ingested', 'rejected')),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ingest.outbox (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    aggregatetype  varchar(255) NOT NULL,
    aggregateid    varchar(255) NOT NULL,
    type           varchar(255) NOT NULL,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ingest.catalog (
    name        text PRIMARY KEY,
    version     int NOT NULL,
    rows        int NOT NULL,
    sha256      text NOT NULL,
    rejections  int NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS ingest.catalog_events (
    event_id    uuid PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- The query side (CQRS): one row per dataset, the fields of its latest event. `cdcctl apply
-- --envelope plain` upserts each event's payload by its `dataset` field, so the columns are the
-- payload's fields. status is nullable: events written before the payload carried it lack it.
CREATE SCHEMA IF NOT EXISTS read_model;

CREATE TABLE IF NOT EXISTS read_model.datasets (
    dataset  text PRIMARY KEY,
    version  int NOT NULL,
    rows     int NOT NULL,
    sha256   text NOT NULL,
    source   text,
    status   text
);
