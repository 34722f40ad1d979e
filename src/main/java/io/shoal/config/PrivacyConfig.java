package io.shoal.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Erasure, receipts and retention of shoppers' data (README "Privacy"). */
@ConfigMapping(prefix = "shoal.privacy")
public interface PrivacyConfig {

    /**
     * The key of the keyed hash (HMAC-SHA256) that names a shopper in erasure receipts. Unset: a random key for this
     * process only (a warning says so), so receipts cannot be matched to an id later. Set it from a Secret
     * ({@code SHOAL_PRIVACY_HMAC_KEY}), at least 32 characters.
     */
    Optional<String> hmacKey();

    /**
     * Replace every user id by its keyed hash (HMAC-SHA256 under {@code hmac-key}) at the edge, before anything is
     * stored or sent: Redis keys, PostgreSQL rows, Kafka keys; queries hash the id the same way
     * (io.shoal.security.Pseudonyms). Needs {@code hmac-key}. Turning it on or off later splits every shopper in two.
     */
    @WithDefault("false")
    boolean pseudonymise();

    /** Most user ids in one bulk erasure request ({@code POST /v1/users/erasures}). */
    @WithDefault("5000")
    int maxErasureBatch();

    /** Shoppers erased at once within one bulk request (each erasure is a few round trips). */
    @WithDefault("16")
    int erasureConcurrency();

    /** Open receipts (a crash interrupted their erasure) finished at each start, per pass. */
    @WithDefault("1000")
    int resumeBatch();

    /** Retention of the audit trail; see {@link Retention}. */
    Retention retention();

    interface Retention {
        /**
         * Segment-history rows stored longer ago than this are deleted by a scheduled job in bounded batches; 0 (the
         * default) keeps them. The chart sets 400d.
         */
        @WithDefault("0s")
        Duration history();

        /**
         * Shoppers whose last event is older than this (event time) are removed from Redis by a scheduled sweep,
         * as an erasure without receipt removes them (sizes, sample and sums kept consistent); 0 (the default) keeps
         * them. Event time, so replays of old data (./shoal demo replays 2011) keep it off. The chart sets 400d.
         */
        @WithDefault("0s")
        Duration idleShoppers();

        /** User states examined per sweep run (the sweep resumes where it stopped). */
        @WithDefault("20000")
        int sweepBudget();

        /** How often the history purge runs. */
        @WithDefault("1h")
        Duration purgeInterval();

        /** Rows deleted per statement of the purge (each its own short transaction). */
        @WithDefault("5000")
        int purgeBatch();
    }
}
