package io.shoal.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The credentials of the security tests: API keys (random per JVM is not possible, the profile and the test may
 * load this class in different class loaders, so the keys are fixed test strings) and an RSA key pair for JWTs,
 * generated once per build under {@code target/} (never in git) so that both class loaders see the same pair.
 */
public final class TestKeys {

    public static final String ADMIN = "test-admin-key-0123456789abcdef";
    public static final String WRITER = "test-writer-key-0123456789abcdef";
    public static final String READER = "test-reader-key-0123456789abcdef";
    public static final String ERASER = "test-eraser-key-0123456789abcdef";
    public static final String LIMITED = "test-limited-key-0123456789abcdef";
    public static final String UNKNOWN = "test-unknown-key-0123456789abcdef";
    public static final String ISSUER = "shoal-test";

    private static final Path DIR = Path.of("target", "security-test");

    private TestKeys() {
    }

    /** The shoal.auth.api-keys value for the keys above. */
    public static String apiKeysConfig() {
        return String.join(",",
                "ops:" + ApiKeys.sha256Hex(ADMIN) + ":admin",
                "shop-tracker:" + ApiKeys.sha256Hex(WRITER) + ":events:write",
                "dashboard:" + ApiKeys.sha256Hex(READER) + ":segments:read",
                "privacy-desk:" + ApiKeys.sha256Hex(ERASER) + ":users:erase",
                "limited:" + ApiKeys.sha256Hex(LIMITED) + ":segments:read");
    }

    public static synchronized KeyPair jwtKeys() {
        return load(DIR.resolve("jwt"));
    }

    /** A second pair: tokens signed with it must be refused. */
    public static synchronized KeyPair otherJwtKeys() {
        return load(DIR.resolve("jwt-other"));
    }

    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(jwtKeys().getPublic().getEncoded());
    }

    private static KeyPair load(Path base) {
        Path pub = base.resolveSibling(base.getFileName() + ".pub");
        Path key = base.resolveSibling(base.getFileName() + ".key");
        try {
            if (!Files.exists(pub) || !Files.exists(key)) {
                Files.createDirectories(DIR);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                write(key, pair.getPrivate().getEncoded());
                write(pub, pair.getPublic().getEncoded());
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PublicKey publicKey = rsa.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub)));
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(key)));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(DIR, "key", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
