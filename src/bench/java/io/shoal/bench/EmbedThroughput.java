package io.shoal.bench;

import io.shoal.inference.InferenceDevice;
import io.shoal.inference.LengthBuckets;
import io.shoal.inference.ModelSpec;
import io.shoal.inference.SentenceEncoder;
import io.shoal.inference.Vectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sentences/s of the service's encoder on a chosen device, on real Online Retail titles, and the cosine of its
 * vectors to the CPU path's: the GPU check ({@code scripts/bench-gpu.sh}), runnable on a CPU too.
 * <p>
 * Arguments: {@code --device auto|cpu|gpu} (default gpu), {@code --batch B} texts per call (default 1024),
 * {@code --workers W} concurrent calls (default 2), {@code --seconds S} measured (default 20), {@code --intra-op N}
 * ONNX Runtime threads per call (default: the service's, cores / workers; 0: ONNX Runtime's own), {@code --split false} one padded call per batch instead of
 * the length split. Exits 1 when the
 * minimum cosine to the CPU vectors is below 0.9999.
 */
public final class EmbedThroughput {

    static final double MIN_COSINE = 0.9999;

    private EmbedThroughput() {
    }

    public static void main(String[] args) throws Exception {
        InferenceDevice device = InferenceDevice.GPU;
        int batch = 1024;
        int workers = 2;
        int seconds = 20;
        int intraOp = -1;
        LengthBuckets buckets = null; // the device's rule, as the service
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--device" -> device = InferenceDevice.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--intra-op" -> intraOp = Integer.parseInt(args[i + 1]);
                case "--split" -> buckets = Boolean.parseBoolean(args[i + 1]) ? null : LengthBuckets.NONE;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--device, --batch, --workers, --seconds, --intra-op, --split)");
            }
        }
        if (intraOp < 0) {
            intraOp = SentenceEncoder.intraOpThreadsFor(workers); // the service's default
        }
        ModelSpec spec = ModelSpec.allMiniLmL6V2();
        List<String> titles = OnlineRetail.descriptions(541_909).stream().distinct().toList();
        Path cache = EncoderBenchmark.CACHE_DIR;
        System.out.printf("%,d distinct Online Retail titles; device %s, %d texts per call, %d workers, %s intra-op"
                + " threads, %s%n", titles.size(), device, batch, workers, intraOp == 0 ? "default" : intraOp,
                buckets == LengthBuckets.NONE ? "one padded call per batch" : "split by length");
        try (SentenceEncoder encoder = SentenceEncoder.load(spec, cache, device, workers, intraOp, buckets)) {
            System.out.println("encoder on " + encoder.device());
            List<List<String>> batches = new ArrayList<>();
            for (int from = 0; from + batch <= titles.size(); from += batch) {
                batches.add(titles.subList(from, from + batch));
            }
            if (batches.isEmpty()) {
                batches.add(titles);
            }
            encoder.encode(batches.get(0)); // warm-up: first-call allocations, kernel choice
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int offset = w;
                running.add(pool.submit(() -> {
                    for (int b = offset; System.nanoTime() < end; b += 1) {
                        List<String> texts = batches.get(b % batches.size());
                        encoder.encode(texts);
                        done.addAndGet(texts.size());
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double rate = done.get() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("sentences/s: %,.0f (%,d sentences in %d s)%n", rate, done.get(), seconds);

            List<String> sample = titles.subList(0, Math.min(512, titles.size()));
            float[][] got = encoder.encode(sample);
            double min = 1;
            try (SentenceEncoder cpu = SentenceEncoder.load(spec, cache, InferenceDevice.CPU, 1, 0,
                    LengthBuckets.NONE)) {
                float[][] want = cpu.encode(sample);
                for (int i = 0; i < sample.size(); i++) {
                    min = Math.min(min, Vectors.cosine(got[i], want[i]));
                }
            }
            System.out.printf("minimum cosine to the CPU path (unsplit batch) over %d titles: 1 - %.2e (goal >= %s)%n",
                    sample.size(), 1 - min, MIN_COSINE);
            if (min < MIN_COSINE) {
                System.exit(1);
            }
        }
    }
}
