-- Events the pipeline could not apply although Redis and PostgreSQL were up: isolated by splitting their batch until
-- the failing events were alone (the rest of the batch was applied). One row per event (shopper and event id); a
-- replay clears replayed_at when the event fails again.
CREATE TABLE dead_letter (
    id           BIGSERIAL     PRIMARY KEY,
    user_id      VARCHAR(128)  NOT NULL,
    event_id     VARCHAR(128)  NOT NULL,
    event        TEXT          NOT NULL,
    error        TEXT          NOT NULL,
    failed_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    attempts     INTEGER       NOT NULL DEFAULT 1,
    replayed_at  TIMESTAMPTZ,
    UNIQUE (user_id, event_id)
);
CREATE INDEX dead_letter_open ON dead_letter (failed_at) WHERE replayed_at IS NULL;
