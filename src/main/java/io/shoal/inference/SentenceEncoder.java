package io.shoal.inference;

import org.jboss.logging.Logger;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A sentence model loaded once with DJL on ONNX Runtime, and a pool of predictors to run it.
 * <p>
 * A call tokenises its texts without padding, splits them into sub-batches of similar token length
 * ({@link LengthBuckets}: a short title is not padded to the longest text of the call) and runs one model call per
 * sub-batch; the vectors come back in input order.
 * <p>
 * DJL predictors are not thread-safe, so there is one per worker thread: {@link #encode(List)} takes a predictor
 * from the pool for the duration of one batch and gives it back. With as many predictors as inference threads a
 * worker never waits. {@code encode} blocks; call it from a worker thread, never from the event loop.
 */
public final class SentenceEncoder implements AutoCloseable {

    /** A plain JBoss logger, not Quarkus's Log: the evaluation loads the encoder outside Quarkus. */
    private static final Logger LOG = Logger.getLogger(SentenceEncoder.class);

    private static final String ENGINE = "OnnxRuntime";

    private final ModelSpec spec;
    private final Device device;
    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final LengthBuckets buckets;
    private final BlockingQueue<Predictor<Encoding[], float[][]>> predictors;
    private final List<Predictor<Encoding[], float[][]>> allPredictors;

    private SentenceEncoder(ModelSpec spec, Device device, HuggingFaceTokenizer tokenizer,
            ZooModel<NDList, NDList> model, LengthBuckets buckets, List<Predictor<Encoding[], float[][]>> predictors) {
        this.spec = spec;
        this.device = device;
        this.tokenizer = tokenizer;
        this.model = model;
        this.buckets = buckets;
        this.allPredictors = List.copyOf(predictors);
        this.predictors = new ArrayBlockingQueue<>(predictors.size(), false, predictors);
    }

    /**
     * Loads the model and opens {@code workers} predictors.
     *
     * @param cacheDir         writable folder for DJL's files and the copies of bundled models
     * @param requested        where to run; see {@link #resolveDevice(InferenceDevice)}
     * @param workers          number of predictors, = the number of threads that may call {@link #encode} at once
     * @param intraOpThreads   ONNX Runtime threads per call; 0 leaves ONNX Runtime's default (all cores)
     */
    public static SentenceEncoder load(ModelSpec spec, Path cacheDir, InferenceDevice requested, int workers,
            int intraOpThreads) {
        return load(spec, cacheDir, requested, workers, intraOpThreads, null);
    }

    /**
     * Loads the model with a given sub-batch rule ({@link LengthBuckets#NONE}: one padded call per batch, as plain
     * ONNX Runtime use does; the benchmark compares the two; null: {@link LengthBuckets#forDevice} of the device).
     */
    public static SentenceEncoder load(ModelSpec spec, Path cacheDir, InferenceDevice requested, int workers,
            int intraOpThreads, LengthBuckets buckets) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 but was " + workers);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 but was " + intraOpThreads);
        }
        DjlEnvironment.prepare(cacheDir);
        Device device = resolveDevice(requested);
        long start = System.nanoTime();
        Path onnx = spec.onnxPath(cacheDir);
        Path tokenizerJson = spec.tokenizerPath(cacheDir);
        HuggingFaceTokenizer tokenizer = null;
        ZooModel<NDList, NDList> model = null;
        List<Predictor<Encoding[], float[][]>> predictors = new ArrayList<>();
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optPadding(false) // each sub-batch is padded to its own longest text by the translator
                    .optTruncation(true)
                    .optMaxLength(spec.maxTokens())
                    .build();
            // Opened with raw tensors in and out: the translator needs the graph's input names, known only then.
            Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optEngine(ENGINE)
                    .optDevice(device)
                    .optModelPath(onnx)
                    .optModelName(stripExtension(onnx.getFileName().toString()));
            if (intraOpThreads > 0) {
                criteria.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
            }
            model = criteria.build().loadModel();
            Set<String> inputs = new LinkedHashSet<>(model.getBlock().describeInput().keys());
            SentenceTranslator translator = new SentenceTranslator(spec.pooling(), inputs);
            for (int i = 0; i < workers; i++) {
                predictors.add(model.newPredictor(translator));
            }
            SentenceEncoder encoder = new SentenceEncoder(spec, device, tokenizer, model,
                    buckets != null ? buckets : LengthBuckets.forDevice(device.isGpu()), predictors);
            encoder.checkDimension();
            LOG.infof("Loaded sentence model %s (%d dims, %s pooling, <= %d tokens) on %s with %d predictors in %d ms",
                    spec.id(), spec.dimension(), spec.pooling(), spec.maxTokens(), device, workers,
                    (System.nanoTime() - start) / 1_000_000);
            return encoder;
        } catch (IOException e) {
            closeAll(predictors, model, tokenizer);
            throw new UncheckedIOException("cannot read model '" + spec.id() + "' from " + onnx, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            closeAll(predictors, model, tokenizer);
            throw new IllegalStateException("cannot load model '" + spec.id() + "' from " + onnx + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(predictors, model, tokenizer);
            throw e;
        }
    }

    /**
     * ONNX Runtime threads per call for {@code workers} concurrent callers: processors / workers, at least 1, so the
     * calls together use each core once. (ONNX Runtime's own default, one thread per core in every call, makes
     * concurrent calls spin against each other: on 2 cores with 2 workers, 260 against 403 titles/s, BENCHMARKS.md.)
     */
    public static int intraOpThreadsFor(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 but was " + workers);
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    /**
     * Chooses the DJL device. AUTO picks the GPU only when the ONNX Runtime build on the classpath has the CUDA
     * execution provider (the {@code gpu} Maven profile) and a GPU is visible; GPU fails when either is missing.
     */
    public static Device resolveDevice(InferenceDevice requested) {
        if (requested == InferenceDevice.CPU) {
            return Device.cpu();
        }
        Engine engine = Engine.getEngine(ENGINE);
        boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
        int gpus = cuda ? engine.getGpuCount() : 0;
        if (cuda && gpus > 0) {
            return Device.gpu();
        }
        if (requested == InferenceDevice.GPU) {
            throw new IllegalStateException("shoal.inference.device=gpu but "
                    + (cuda ? "no GPU is visible to CUDA"
                            : "ONNX Runtime on the classpath has no CUDA execution provider (build with -Pgpu)"));
        }
        return Device.cpu();
    }

    /**
     * Embeds a batch, one model call per sub-batch of similar length, on one predictor; blocks until a predictor is
     * free and the calls are done.
     *
     * @return one unit vector per text, in input order
     */
    public float[][] encode(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int[] lengths = new int[encodings.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = encodings[i].getIds().length;
        }
        Predictor<Encoding[], float[][]> predictor;
        try {
            predictor = predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor", e);
        }
        try {
            float[][] out = new float[texts.size()][];
            for (int[] sub : buckets.split(lengths)) {
                Encoding[] part = new Encoding[sub.length];
                for (int i = 0; i < sub.length; i++) {
                    part[i] = encodings[sub[i]];
                }
                float[][] vectors = predictor.predict(part);
                for (int i = 0; i < sub.length; i++) {
                    out[sub[i]] = vectors[i];
                }
            }
            return out;
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed on a batch of " + texts.size() + " texts", e);
        } finally {
            predictors.add(predictor);
        }
    }

    /** Number of tokens of a text after tokenisation and truncation, [CLS] and [SEP] included. */
    public int tokenCount(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Device device() {
        return device;
    }

    @Override
    public void close() {
        closeAll(allPredictors, model, tokenizer);
    }

    private void checkDimension() {
        int actual = encode(List.of("dimension check"))[0].length;
        if (actual != spec.dimension()) {
            throw new IllegalStateException("model '" + spec.id() + "' produces " + actual
                    + "-dimensional vectors but the configuration says " + spec.dimension());
        }
    }

    private static void closeAll(List<Predictor<Encoding[], float[][]>> predictors,
            ZooModel<NDList, NDList> model, HuggingFaceTokenizer tokenizer) {
        predictors.forEach(Predictor::close);
        if (model != null) {
            model.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

}
