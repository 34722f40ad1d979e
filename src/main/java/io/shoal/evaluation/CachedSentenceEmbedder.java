package io.shoal.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.shoal.inference.InferenceDevice;
import io.shoal.inference.ModelSpec;
import io.shoal.inference.SentenceEncoder;

/**
 * Embeds texts with the service's sentence model, each distinct text once, and keeps the vectors in an append-only
 * file {@code <cacheDir>/<model id>.vectors} keyed by the SHA-256 of the text, so a rerun embeds nothing. The model
 * is loaded only when a text is missing.
 */
public final class CachedSentenceEmbedder implements TextEmbedder {

    private static final int CHUNK = 64;

    private final ModelSpec spec;
    private final Path cacheDir;
    private final int workers;
    private final Map<String, float[]> cached = new HashMap<>();

    public CachedSentenceEmbedder(ModelSpec spec, Path cacheDir, int workers) {
        this.spec = spec;
        this.cacheDir = cacheDir;
        this.workers = workers;
        load();
    }

    private Path file() {
        return cacheDir.resolve(spec.id() + ".vectors");
    }

    private void load() {
        Path f = file();
        if (!Files.exists(f)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f)))) {
            while (true) {
                String key;
                try {
                    key = in.readUTF();
                } catch (EOFException end) {
                    return;
                }
                int d = in.readInt();
                float[] v = new float[d];
                for (int i = 0; i < d; i++) {
                    v[i] = in.readFloat();
                }
                cached.put(key, v);
            }
        } catch (EOFException truncated) {
            // A run killed mid-append leaves a partial last entry: the complete ones are kept.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vector cache " + f, e);
        }
    }

    @Override
    public Map<String, float[]> embed(Collection<String> texts) {
        List<String> missing = new ArrayList<>();
        for (String t : new LinkedHashSet<>(texts)) {
            if (!cached.containsKey(key(t))) {
                missing.add(t);
            }
        }
        if (!missing.isEmpty()) {
            encode(missing);
        }
        Map<String, float[]> out = new HashMap<>();
        for (String t : texts) {
            out.put(t, cached.get(key(t)));
        }
        return out;
    }

    private void encode(List<String> missing) {
        System.err.printf("evaluate: embedding %,d new texts with %s (cached in %s)%n", missing.size(), spec.id(),
                file());
        long start = System.nanoTime();
        try (SentenceEncoder encoder = SentenceEncoder.load(spec, cacheDir.resolve("djl"), InferenceDevice.CPU,
                workers, 0)) {
            Files.createDirectories(cacheDir);
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(
                    file(), StandardOpenOption.CREATE, StandardOpenOption.APPEND)))) {
                for (int from = 0; from < missing.size(); from += CHUNK) {
                    List<String> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
                    float[][] vectors = encoder.encode(chunk);
                    for (int i = 0; i < chunk.size(); i++) {
                        String key = key(chunk.get(i));
                        cached.put(key, vectors[i]);
                        out.writeUTF(key);
                        out.writeInt(vectors[i].length);
                        for (float x : vectors[i]) {
                            out.writeFloat(x);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vector cache " + file(), e);
        }
        System.err.printf("evaluate: embedded %,d texts in %.1f s%n", missing.size(),
                (System.nanoTime() - start) / 1e9);
    }

    static String key(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
