package io.shoal.segmentation;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.shoal.testing.RedisClusterProfile;

/** {@link SegmentMaintenanceTest} on a Redis Cluster of three masters of its own ({@link RedisClusterProfile}). */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class SegmentMaintenanceOnClusterTest extends SegmentMaintenanceTest {
}
