package io.shoal.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.shoal.inference.InferenceDevice;
import io.shoal.inference.ModelSpec;
import io.shoal.inference.SentenceEncoder;
import io.shoal.inference.Vectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One batch of product titles embedded, no cache: Shoal's DJL path (the batch split into sub-batches of similar token
 * length, {@code LengthBuckets}) against plain ONNX Runtime (OrtSession, the whole batch padded to its longest
 * title: how a model is usually called) on the same MiniLM file, same tokenizer, same pooling. Two threads call
 * each, as the service's two inference workers do on 2 cores: Shoal's encoder has a predictor per thread and
 * {@link SentenceEncoder#intraOpThreadsFor} ONNX Runtime threads per call, the plain session ONNX Runtime's default
 * options. Sentences/s = ops/s x batchSize (JMH sums the threads).
 */
@State(Scope.Benchmark)
@Threads(EncoderBenchmark.THREADS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncoderBenchmark {

    static final int THREADS = 2;

    static final Path CACHE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "shoal-djl-bench");

    @Param({ "1", "32", "256" })
    public int batchSize;

    private SentenceEncoder djl;
    private OrtSession session;
    private OrtEnvironment environment;
    private HuggingFaceTokenizer tokenizer;
    private List<String> titles;

    /** Each thread's place in the titles. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void load() throws Exception {
        ModelSpec spec = ModelSpec.allMiniLmL6V2();
        // DJL first: its engine creates the shared ONNX Runtime environment that the plain session then reuses.
        djl = SentenceEncoder.load(spec, CACHE_DIR, InferenceDevice.CPU, THREADS,
                SentenceEncoder.intraOpThreadsFor(THREADS));
        environment = OrtEnvironment.getEnvironment();
        session = environment.createSession(spec.onnxPath(CACHE_DIR).toString(), new OrtSession.SessionOptions());
        tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(spec.tokenizerPath(CACHE_DIR)).optPadding(true)
                .optTruncation(true).optMaxLength(spec.maxTokens()).build();
        titles = OnlineRetail.descriptions(20_000).stream().distinct().toList();
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        djl.close();
        session.close();
        tokenizer.close();
    }

    @Benchmark
    public float[][] djl(Cursor cursor) {
        return djl.encode(nextBatch(cursor));
    }

    @Benchmark
    public float[][] ortSession(Cursor cursor) throws OrtException {
        Encoding[] encodings = tokenizer.batchEncode(nextBatch(cursor));
        int b = encodings.length;
        int t = encodings[0].getIds().length;
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(encodings[i].getIds(), 0, ids, i * t, t);
            System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * t, t);
            System.arraycopy(encodings[i].getTypeIds(), 0, types, i * t, t);
        }
        long[] shape = { b, t };
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", idsTensor);
            inputs.put("attention_mask", maskTensor);
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", typesTensor);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape();
                float[] flat = new float[b * t * (int) hiddenShape[2]];
                hidden.getFloatBuffer().get(flat);
                return Vectors.pool(flat, mask, b, t, (int) hiddenShape[2], spec().pooling());
            }
        }
    }

    private static ModelSpec spec() {
        return ModelSpec.allMiniLmL6V2();
    }

    /** Consecutive distinct titles, wrapping around. */
    private List<String> nextBatch(Cursor cursor) {
        if (cursor.next + batchSize > titles.size()) {
            cursor.next = 0;
        }
        List<String> batch = titles.subList(cursor.next, cursor.next + batchSize);
        cursor.next += batchSize;
        return batch;
    }
}
