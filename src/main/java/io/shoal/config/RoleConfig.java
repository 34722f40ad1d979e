package io.shoal.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which part of Shoal this process runs. The profiles {@code ingest} and {@code worker} set it
 * ({@code QUARKUS_PROFILE=prod,ingest}), together with the Kafka channels of that role; see docs/kafka.md.
 */
@ConfigMapping(prefix = "shoal")
public interface RoleConfig {

    /** The process role. */
    enum Role {
        /** Everything in one process, accepted events in the durable event log (a Redis Stream); needs no Kafka. */
        ALL,
        /** HTTP ingestion and queries; publishes events to Kafka and loads no model. */
        INGEST,
        /** Consumes events from Kafka in micro-batches, embeds, segments, audits; serves health and metrics. */
        WORKER
    }

    /** {@code all} (default), {@code ingest} or {@code worker}. */
    @WithDefault("all")
    Role role();
}
