package io.shoal.privacy;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service with pseudonymised ids, its log in a file the test reads. */
public class PseudonymProfile implements QuarkusTestProfile {

    public static final String LOG = "target/pseudonym-test.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> o = new HashMap<>();
        o.put("shoal.privacy.pseudonymise", "true");
        o.put("shoal.privacy.hmac-key", "test-only-hmac-key-0123456789abcdef0123");
        o.put("shoal.segmentation.k", "4");
        o.put("shoal.segmentation.bootstrap-profiles", "24");
        o.put("shoal.segmentation.min-dwell", "0s");
        o.put("shoal.segmentation.refit.max-age", "0s");
        o.put("shoal.segmentation.snapshot-interval", "1h");
        o.put("shoal.pipeline.batch-size", "64");
        o.put("quarkus.log.file.enabled", "true");
        o.put("quarkus.log.file.path", LOG);
        return o;
    }
}
