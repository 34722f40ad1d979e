-- Erasure receipts (io.shoal.privacy.ErasureService): one row per erased shopper, without personal data once done:
-- when, a keyed hash of the id (HMAC-SHA256 with shoal.privacy.hmac-key), who asked (the credential's name), what was
-- removed. pending_user_id holds the raw id only while the erasure runs, so that one a crash interrupted is finished
-- at the next start; it is cleared when the erasure completes.
CREATE TABLE erasure_receipt (
    id               BIGSERIAL     PRIMARY KEY,
    subject_hash     VARCHAR(64)   NOT NULL,
    requested_by     VARCHAR(160)  NOT NULL,
    requested_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    completed_at     TIMESTAMPTZ,
    state            VARCHAR(16)   NOT NULL,
    pending_user_id  VARCHAR(128),
    removed          TEXT
);
CREATE INDEX erasure_receipt_pending ON erasure_receipt (id) WHERE state = 'pending';
CREATE INDEX erasure_receipt_subject ON erasure_receipt (subject_hash);

-- Retention (io.shoal.privacy.RetentionJobs) purges history rows by when they were stored.
CREATE INDEX segment_history_recorded ON segment_history (recorded_at);
