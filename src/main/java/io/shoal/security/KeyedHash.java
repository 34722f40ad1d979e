package io.shoal.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 of a shopper id under the deployment's key, hex: names a shopper without being the id. */
public final class KeyedHash {

    private final SecretKeySpec key;

    public KeyedHash(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("shoal.privacy.hmac-key must have at least 16 bytes (32+ characters "
                    + "recommended) but had " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public static KeyedHash of(String key) {
        return new KeyedHash(key.getBytes(StandardCharsets.UTF_8));
    }

    /** A random key for this process only. */
    public static KeyedHash random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new KeyedHash(k);
    }

    public String hex(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
