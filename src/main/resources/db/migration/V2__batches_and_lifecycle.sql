-- Batches whose audit rows were written: a retried or redelivered batch writes nothing twice.
CREATE TABLE applied_batch (
    batch_id    VARCHAR(64)  PRIMARY KEY,
    applied_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Segment lifecycle: creation at seeding, retirement of a dying segment and the split that replaced it.
CREATE TABLE segment_lifecycle (
    id                BIGSERIAL    PRIMARY KEY,
    segment_id        BIGINT       NOT NULL,
    kind              VARCHAR(16)  NOT NULL,
    other_segment_id  BIGINT,
    weight            DOUBLE PRECISION,
    model_version     BIGINT       NOT NULL,
    occurred_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX segment_lifecycle_segment ON segment_lifecycle (segment_id, occurred_at);

-- Hibernate allocates history ids 50 at a time so that a batch of rows is one round of inserts.
ALTER SEQUENCE segment_history_id_seq INCREMENT BY 50;
