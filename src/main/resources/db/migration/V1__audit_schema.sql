-- Every change of a user's segment (first assignment included), written by the segmentation stage.
CREATE TABLE segment_history (
    id             BIGSERIAL PRIMARY KEY,
    user_id        VARCHAR(128)     NOT NULL,
    from_segment   BIGINT,
    to_segment     BIGINT           NOT NULL,
    changed_at     TIMESTAMPTZ      NOT NULL,
    model_version  BIGINT           NOT NULL,
    distance       DOUBLE PRECISION,
    margin         DOUBLE PRECISION,
    reason         VARCHAR(32)      NOT NULL,
    recorded_at    TIMESTAMPTZ      NOT NULL DEFAULT now()
);
-- Per-user history newest first, and point-in-time lookups (latest change at or before an instant).
CREATE INDEX segment_history_user_time ON segment_history (user_id, changed_at DESC, id DESC);
CREATE INDEX segment_history_time ON segment_history (changed_at);

-- Snapshots of the segment model, taken periodically and on shutdown; the latest one restores an empty Redis.
CREATE TABLE model_version (
    version     BIGINT       PRIMARY KEY,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    algorithm   VARCHAR(16)  NOT NULL,
    params      TEXT         NOT NULL,
    centroids   BYTEA        NOT NULL
);
