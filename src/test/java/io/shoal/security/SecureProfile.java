package io.shoal.security;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service with authentication on, as in production: the test API keys, JWTs from the test key pair. */
public class SecureProfile implements QuarkusTestProfile {

    /** Small enough that a test can exhaust it, large enough that the endpoint matrix never meets it. */
    public static final int BURST = 200;
    public static final int RATE = 20;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> o = new HashMap<>();
        o.put("shoal.auth.enabled", "true");
        o.put("shoal.auth.api-keys", TestKeys.apiKeysConfig());
        o.put("shoal.auth.jwt.enabled", "true");
        o.put("mp.jwt.verify.publickey", TestKeys.publicKeyBase64());
        o.put("mp.jwt.verify.issuer", TestKeys.ISSUER);
        o.put("shoal.auth.rate-limit.requests-per-second", String.valueOf(RATE));
        o.put("shoal.auth.rate-limit.burst", String.valueOf(BURST));
        return o;
    }
}
