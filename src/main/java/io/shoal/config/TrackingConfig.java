package io.shoal.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Segment-compatible tracking endpoints ({@code /v1/batch}, {@code /v1/track}, ...). */
@ConfigMapping(prefix = "shoal.tracking")
public interface TrackingConfig {

    /** Whether the endpoints answer at all (404 when off). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The write keys a tracking client may send (HTTP Basic username, as Segment's and RudderStack's clients do, or
     * {@code writeKey} in the body). Unset: any write key, or none, is accepted, and a warning says so at start.
     * Set it from the environment ({@code SHOAL_TRACKING_WRITE_KEYS}, comma separated) or a Kubernetes Secret.
     */
    Optional<List<String>> writeKeys();

    /** Identity links remembered by this process, so that a linked pair is not sent again with every message. */
    @WithDefault("100000")
    int linkCacheSize();
}
