package io.shoal.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs a test class's application on a Redis Cluster of its own: {@link ShoalTestResources} sees this profile and
 * starts three masters ({@link RedisClusterProcess}) with a hash-tagged key prefix instead of using the shared Redis.
 * A store test runs on both by a subclass that names this profile.
 */
public class RedisClusterProfile implements QuarkusTestProfile {
}
