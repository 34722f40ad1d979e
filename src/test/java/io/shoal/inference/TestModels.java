package io.shoal.inference;

import java.nio.file.Path;

/** Loads models for plain JUnit tests that share a JVM with @QuarkusTests. */
final class TestModels {

    static final Path CACHE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "shoal-djl-test");

    private TestModels() {
    }

    /**
     * Loads a model on the CPU with one predictor.
     * <p>
     * Quarkus runs its tests first, and the application it boots loads DJL's tokenizer library from its own class
     * loader. A JVM loads one native file into one class loader only, so these tests extract the library into a
     * folder of their own. (Unneeded once DJL and ONNX Runtime are parent-first artifacts.)
     */
    static SentenceEncoder load(ModelSpec spec) {
        System.setProperty("ENGINE_CACHE_DIR", CACHE_DIR.resolve("engines").toString());
        return SentenceEncoder.load(spec, CACHE_DIR, InferenceDevice.CPU, 1, 0);
    }
}
