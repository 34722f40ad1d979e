package io.shoal.store;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.shoal.testing.RedisClusterProfile;

/** {@link SegmentModelArithmeticTest} on a Redis Cluster of three masters of its own ({@link RedisClusterProfile}). */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class SegmentModelArithmeticOnClusterTest extends SegmentModelArithmeticTest {
}
