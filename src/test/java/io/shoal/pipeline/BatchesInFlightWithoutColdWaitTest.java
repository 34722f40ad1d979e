package io.shoal.pipeline;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shoal.testing.ShoalTestResources;

/**
 * The same as {@link BatchesInFlightTest} with waiting for texts turned off ({@code max-cold-waiting=0}): a shopper's
 * event still waits beside the log for its batch in flight while other shoppers' batches start.
 */
@QuarkusTest
@TestProfile(BatchesInFlightWithoutColdWaitTest.NoColdWait.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class BatchesInFlightWithoutColdWaitTest extends BatchesInFlightTest {

    public static class NoColdWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new ThreeInFlight().getConfigOverrides());
            overrides.put("shoal.pipeline.max-cold-waiting", "0");
            return overrides;
        }
    }
}
