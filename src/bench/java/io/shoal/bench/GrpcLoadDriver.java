package io.shoal.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.grpc.ManagedChannel;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.shoal.config.VectorEncoding;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.shoal.query.grpc.BatchGetUserSegmentsRequest;
import io.shoal.query.grpc.BatchGetUserSegmentsResponse;
import io.shoal.query.grpc.GetUserSegmentRequest;
import io.shoal.query.grpc.SegmentServiceGrpc;
import io.shoal.query.grpc.UserSegment;

/**
 * Closed-loop gRPC load for {@code shoal.v1.SegmentService}: {@code concurrency} calls in flight at all times over
 * {@code channels} HTTP/2 connections, user ids drawn round-robin from {@code bench-0 .. bench-(users-1)} (seeded
 * by src/bench/query-load.sh). Prints requests/s and latency percentiles (1 µs buckets up to 1 s) for the measured
 * window after a warm-up. Not a test: run it by hand, see docs/query-benchmarks.md.
 *
 * <pre>
 * java -cp ... io.shoal.bench.GrpcLoadDriver seed redisUrl keyPrefix users
 * java -cp ... io.shoal.bench.GrpcLoadDriver host port rpc(get|batch) seconds warmupSeconds concurrency channels
 *      users [batchSize]
 * </pre>
 */
public final class GrpcLoadDriver {

    private static final int BUCKETS = 1_000_000;

    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean measuring;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong next = new AtomicLong();

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && "seed".equals(args[0])) {
            seed(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        if (args.length < 8) {
            System.err.println("usage: host port get|batch seconds warmupSeconds concurrency channels users [batchSize]");
            System.exit(2);
        }
        new GrpcLoadDriver().run(args[0], Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                Integer.parseInt(args[7]), args.length > 8 ? Integer.parseInt(args[8]) : 100);
    }

    /** Writes users bench-0..n-1 in the store's binary layout, spread over 12 segments, MSET 1,000 at a time. */
    private static void seed(String redisUrl, String prefix, int users) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, redisUrl);
            long now = System.currentTimeMillis();
            for (int from = 0; from < users; from += 1000) {
                Request mset = Request.cmd(Command.MSET);
                for (int i = from; i < Math.min(users, from + 1000); i++) {
                    StoredUser u = new StoredUser(null, (long) (i % 12 + 1), now, 0.8, 0.1, 1, null);
                    mset.arg(prefix + "u:bench-" + i).arg(Buffer.buffer(StoredUserCodec.write(u, VectorEncoding.FLOAT16)));
                }
                redis.send(mset).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            redis.close();
            System.out.printf(Locale.ROOT, "seeded %d users under %su:bench-*%n", users, prefix);
        } finally {
            vertx.close();
        }
    }

    private void run(String host, int port, String rpc, int seconds, int warmup, int concurrency, int channels,
            int users, int batchSize) throws Exception {
        List<ManagedChannel> open = new ArrayList<>();
        List<SegmentServiceGrpc.SegmentServiceStub> stubs = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                    .flowControlWindow(4 << 20).build();
            open.add(ch);
            stubs.add(SegmentServiceGrpc.newStub(ch));
        }
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            SegmentServiceGrpc.SegmentServiceStub stub = stubs.get(i % channels);
            if ("batch".equals(rpc)) {
                batchLoop(stub, users, batchSize, done);
            } else {
                getLoop(stub, users, done);
            }
        }
        Thread.sleep(warmup * 1000L);
        long okBefore = ok.get();
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring = false;
        long elapsed = System.nanoTime() - start;
        long calls = ok.get() - okBefore;
        running.set(false);
        done.await(10, TimeUnit.SECONDS);
        open.forEach(ManagedChannel::shutdownNow);
        double perSecond = calls / (elapsed / 1e9);
        System.out.printf(Locale.ROOT, "rpc=%s concurrency=%d channels=%d users=%d%s%n", rpc, concurrency, channels,
                users, "batch".equals(rpc) ? " batchSize=" + batchSize : "");
        System.out.printf(Locale.ROOT, "calls/s=%.0f%s failed=%d%n", perSecond,
                "batch".equals(rpc) ? String.format(Locale.ROOT, " (users/s=%.0f)", perSecond * batchSize) : "",
                failed.get());
        System.out.printf(Locale.ROOT, "latency ms: p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f%n",
                percentile(0.50), percentile(0.90), percentile(0.99), percentile(0.999), percentile(1.0));
    }

    private String user(int users) {
        return "bench-" + Math.floorMod(next.getAndIncrement(), users);
    }

    private void getLoop(SegmentServiceGrpc.SegmentServiceStub stub, int users, CountDownLatch done) {
        if (!running.get()) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        stub.getUserSegment(GetUserSegmentRequest.newBuilder().setUserId(user(users)).build(),
                new StreamObserver<UserSegment>() {
                    public void onNext(UserSegment value) {
                    }

                    public void onError(Throwable t) {
                        failed.incrementAndGet();
                        getLoop(stub, users, done);
                    }

                    public void onCompleted() {
                        record(t0);
                        getLoop(stub, users, done);
                    }
                });
    }

    private void batchLoop(SegmentServiceGrpc.SegmentServiceStub stub, int users, int batchSize,
            CountDownLatch done) {
        if (!running.get()) {
            done.countDown();
            return;
        }
        BatchGetUserSegmentsRequest.Builder b = BatchGetUserSegmentsRequest.newBuilder();
        for (int i = 0; i < batchSize; i++) {
            b.addUserIds(user(users));
        }
        long t0 = System.nanoTime();
        stub.batchGetUserSegments(b.build(), new StreamObserver<BatchGetUserSegmentsResponse>() {
            public void onNext(BatchGetUserSegmentsResponse value) {
            }

            public void onError(Throwable t) {
                failed.incrementAndGet();
                batchLoop(stub, users, batchSize, done);
            }

            public void onCompleted() {
                record(t0);
                batchLoop(stub, users, batchSize, done);
            }
        });
    }

    private void record(long t0) {
        if (!measuring) {
            return;
        }
        ok.incrementAndGet();
        long micros = (System.nanoTime() - t0) / 1000;
        histogram.incrementAndGet((int) Math.min(micros, BUCKETS));
    }

    private double percentile(double q) {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            total += histogram.get(i);
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= rank && seen > 0) {
                return i / 1000.0;
            }
        }
        return 0;
    }
}
