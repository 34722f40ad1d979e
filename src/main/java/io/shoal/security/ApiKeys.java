package io.shoal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys, held as SHA-256 hashes only: a presented key is hashed and looked up. Keys are random
 * strings of at least 128 bits ({@code ./shoal hash-key} makes one), so a fast hash is enough; a key is never
 * stored, logged or compared in the clear.
 */
public final class ApiKeys {

    /** What a key grants: its name (for logs, metrics, rate limits) and its roles. */
    public record Grant(String name, Set<String> roles) {
    }

    private final Map<String, Grant> byHash;

    private ApiKeys(Map<String, Grant> byHash) {
        this.byHash = byHash;
    }

    /**
     * Parses entries {@code <name>:<sha-256 hex>:<role>[+<role>...]}.
     *
     * @throws IllegalArgumentException naming the entry (by position and name, never the hash) and what is wrong
     */
    public static ApiKeys parse(List<String> entries) {
        Map<String, Grant> byHash = new HashMap<>();
        Set<String> names = new LinkedHashSet<>();
        int position = 0;
        for (String raw : entries) {
            position++;
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":", 3);
            String where = "shoal.auth.api-keys entry " + position;
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + " must be <name>:<sha-256 of the key, hex>:<role>[+<role>]");
            }
            String name = parts[0].strip();
            String hash = parts[1].strip().toLowerCase();
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(where + ": the name must be 1-64 of A-Z a-z 0-9 . _ -");
            }
            where += " ('" + name + "')";
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + ": the hash must be 64 hex digits (SHA-256 of the key); "
                        + "./shoal hash-key prints one");
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : parts[2].split("\\+")) {
                String r = role.strip();
                if (!Roles.ALL.contains(r)) {
                    throw new IllegalArgumentException(where + ": unknown role '" + r + "'; roles are " + Roles.ALL);
                }
                roles.add(r);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": the name is used twice");
            }
            if (byHash.put(hash, new Grant(name, Set.copyOf(roles))) != null) {
                throw new IllegalArgumentException(where + ": the same key is configured twice");
            }
        }
        return new ApiKeys(Map.copyOf(byHash));
    }

    /** The grant of a presented key, if it is a configured one. */
    public Optional<Grant> lookup(String presentedKey) {
        return Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
    }

    public int size() {
        return byHash.size();
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes. */
    public static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(digest);
            Arrays.fill(digest, (byte) 0);
            return hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
