package io.shoal.privacy;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.shoal.ingest.TrackingProfile;

/** The service with pseudonymised ids, its log in a file the test reads. */
public class PseudonymProfile implements QuarkusTestProfile {

    public static final String LOG = "target/pseudonym-test.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        // the tracking tests' small, early-seeded model, without their write keys
        Map<String, String> o = new HashMap<>(new TrackingProfile().getConfigOverrides());
        o.remove("shoal.tracking.write-keys");
        o.put("shoal.privacy.pseudonymise", "true");
        o.put("shoal.privacy.hmac-key", "test-only-hmac-key-0123456789abcdef0123");
        o.put("quarkus.log.file.path", LOG);
        return o;
    }
}
