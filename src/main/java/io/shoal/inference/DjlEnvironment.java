package io.shoal.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-wide DJL settings, applied before the first DJL class initialises: Shoal never downloads at run time
 * (models and native libraries all come from jars), never reports usage (DJL's engine start otherwise calls a cloud
 * metadata address), and keeps DJL's extracted native libraries in a writable folder of its own.
 */
public final class DjlEnvironment {

    private DjlEnvironment() {
    }

    /**
     * Sets DJL's offline mode, tracking opt-out and cache folders. Values already given as system properties or
     * environment variables (DJL reads both) win, so an operator can still point DJL elsewhere.
     *
     * @param cacheDir writable folder for DJL's cache and its engine's native files; created if missing
     */
    public static synchronized void prepare(Path cacheDir) {
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException("DJL cache folder " + cacheDir + " cannot be created", e);
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("DJL_CACHE_DIR", cacheDir.toAbsolutePath().toString());
        setIfAbsent("ENGINE_CACHE_DIR", cacheDir.resolve("engines").toAbsolutePath().toString());
        // Only the OnnxRuntime engine is on the classpath; don't let DJL look for PyTorch to run NDArray operators.
        setIfAbsent("ai.djl.onnx.disable_alternative", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
