-- Identity merges: shopper previous_id (e.g. an anonymous visitor, "anonymous:<anonymousId>") is user_id from
-- linked_at on. Written by the audit relay from the merge's outbox entry, once (the link is the merge's
-- idempotency marker in Redis too). A shopper's history includes the rows of every id linked to it, transitively.
CREATE TABLE identity_link (
    previous_id      VARCHAR(128)  PRIMARY KEY,
    user_id          VARCHAR(128)  NOT NULL,
    linked_at        TIMESTAMPTZ   NOT NULL,
    previous_segment BIGINT,
    model_version    BIGINT        NOT NULL,
    recorded_at      TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX identity_link_user ON identity_link (user_id);
