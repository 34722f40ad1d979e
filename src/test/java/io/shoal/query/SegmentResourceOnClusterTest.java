package io.shoal.query;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.shoal.testing.RedisClusterProfile;

/** {@link SegmentResourceTest} on a Redis Cluster of three masters of its own ({@link RedisClusterProfile}). */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class SegmentResourceOnClusterTest extends SegmentResourceTest {
}
