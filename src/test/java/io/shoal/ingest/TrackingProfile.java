package io.shoal.ingest;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service as the tracking tests run it: a small k-means model seeded early (k = 4 after 24 profiles, as the
 * engine parity test), one write key required on the Segment-compatible endpoints.
 */
public class TrackingProfile implements QuarkusTestProfile {

    public static final String WRITE_KEY = "tracking-test-write-key";
    public static final String LOG = "target/tracking-profile.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> o = new HashMap<>();
        o.put("shoal.segmentation.k", "4");
        o.put("shoal.segmentation.bootstrap-profiles", "24");
        o.put("shoal.segmentation.min-dwell", "0s");
        o.put("shoal.segmentation.refit.max-age", "0s");
        o.put("shoal.segmentation.snapshot-interval", "1h");
        o.put("shoal.pipeline.batch-size", "64");
        o.put("shoal.tracking.write-keys", WRITE_KEY + ",another-key");
        // lines that are not products (RecommendationResourceTest): kept out of the recommendation state
        o.put("shoal.recommendation.excluded-items", "fee-.*");
        // the service log, which ErasureTest reads for the ids it sent (none may appear)
        o.put("quarkus.log.file.enabled", "true");
        o.put("quarkus.log.file.path", LOG);
        return o;
    }
}
