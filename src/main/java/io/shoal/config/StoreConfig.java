package io.shoal.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Redis state shared by all Shoal processes. */
@ConfigMapping(prefix = "shoal.redis")
public interface StoreConfig {

    /** Prefix of every Redis key Shoal writes, so several deployments (or tests) can share one Redis. */
    @WithDefault("shoal:")
    String keyPrefix();
}
