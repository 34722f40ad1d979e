package io.shoal.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./shoal replay FILE [options]}: streams a real dataset into a running service over its public HTTP API.
 * A plain client: it does not boot Quarkus, it only needs the JDK and Jackson from the packaged app's classpath.
 * See {@link ReplayOptions#USAGE} for the options and exit codes.
 */
public final class ReplayCommand {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_UNREACHABLE = 2;
    static final int EXIT_USAGE = 64;
    static final int EXIT_INTERRUPTED = 130;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final HttpClient client;
    private final ReplayClock clock;
    private final ReplayStats stats = new ReplayStats();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile ReplayOptions options;
    private volatile long startNanos;
    private volatile FeedbackSimulator feedback;

    /**
     * @param out      the summary
     * @param err      progress and errors
     * @param terminal whether {@code err} is a terminal (progress rewrites one line)
     */
    ReplayCommand(PrintStream out, PrintStream err, boolean terminal, HttpClient client, ReplayClock clock) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.client = client;
        this.clock = clock;
    }

    /** The lines of {@code source}, with events at or after {@code cutoff} skipped as after-cutoff. */
    static LineSource before(LineSource source, Instant cutoff) {
        return new LineSource() {
            @Override
            public MappingResult next() throws IOException {
                MappingResult r = source.next();
                return r != null && !r.isSkipped() && !r.event().occurredAt().isBefore(cutoff)
                        ? MappingResult.skipped(SkipReason.AFTER_CUTOFF, r.event().occurredAt().toString())
                        : r;
            }

            @Override
            public double fractionRead() {
                return source.fractionRead();
            }
        };
    }

    /** The lines of {@code source} after its first {@code lines}, which are read and passed over. */
    static LineSource skip(LineSource source, long lines) {
        return new LineSource() {
            private long left = lines;

            @Override
            public MappingResult next() throws IOException {
                for (; left > 0; left--) {
                    if (source.next() == null) {
                        left = 0;
                        return null;
                    }
                }
                return source.next();
            }

            @Override
            public double fractionRead() {
                return source.fractionRead();
            }
        };
    }

    public static void main(String[] args) {
        ReplayCommand command = new ReplayCommand(System.out, System.err, System.console() != null,
                HttpBatchSender.defaultClient(), ReplayClock.SYSTEM);
        // Ctrl-C: still print what was done (a no-op when the replay already reported).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> command.report(EXIT_INTERRUPTED, "interrupted")));
        System.exit(command.run(args));
    }

    /** Runs the replay and returns the exit code. */
    int run(String... args) {
        try {
            options = ReplayOptions.parse(args);
        } catch (ReplayUsageException e) {
            err.println("replay: " + e.getMessage());
            err.println("Run ./shoal replay --help for the options.");
            return EXIT_USAGE;
        }
        if (options == null) {
            out.print(ReplayOptions.USAGE);
            return EXIT_OK;
        }
        ReplayOptions o = options;
        startNanos = clock.nanoTime();
        // A burst of 100 ms worth of events absorbs the oversleeping of the reader thread, which a burst of 1
        // would turn into a rate below the one asked for; batches are cut every 250 ms anyway.
        Pacer pacer = o.rate() != null ? new TokenBucketPacer(o.rate(), (int) Math.max(1, Math.round(o.rate() / 10)),
                clock) : o.speedup() != null ? new EventTimePacer(o.speedup(), clock) : Pacer.unpaced(clock);
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10),
                () -> ThreadLocalRandom.current().nextDouble());
        BatchSender sender = new HttpBatchSender(client, o.endpoint(), REQUEST_TIMEOUT, backoff, clock, stats);
        if (o.simulateFeedback()) {
            // The simulated impressions and clicks are counted apart: the summary's counts stay the dataset's.
            feedback = new FeedbackSimulator(sender, new HttpBatchSender(client, o.endpoint(), REQUEST_TIMEOUT,
                    backoff, clock, new ReplayStats()), client, o.endpoint().resolve("/"), REQUEST_TIMEOUT);
            sender = feedback;
        }
        Replayer replayer = new Replayer(sender, pacer, clock, stats, o.batch(), o.concurrency(), o.limit());
        try (DatasetReader reader = DatasetReader.open(o.file(), o.format(), o.products());
                ProgressPrinter progress = new ProgressPrinter(err, terminal, stats,
                        () -> Math.max(reader.fractionRead(),
                                o.limit() > 0 ? (double) stats.linesRead() / o.limit() : 0),
                        clock)) {
            LineSource lines = o.skip() > 0 ? skip(reader, o.skip()) : reader;
            replayer.run(o.before() == null ? lines : before(lines, o.before()));
        } catch (ServiceUnreachableException e) {
            return report(EXIT_UNREACHABLE, e.getMessage());
        } catch (ReplayFailedException e) {
            return report(EXIT_FAILED, e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            return report(EXIT_FAILED, "cannot read " + o.file() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return report(EXIT_INTERRUPTED, "interrupted");
        }
        return report(EXIT_OK, null);
    }

    /** Prints the summary (and writes its JSON) once; later calls only return the code. */
    int report(int exitCode, String error) {
        ReplayOptions o = options;
        if (o == null || !reported.compareAndSet(false, true)) {
            return exitCode;
        }
        ReplaySummary summary = ReplaySummary.of(o, stats, exitCode, error, (clock.nanoTime() - startNanos) / 1e9);
        if (error != null) {
            err.println("replay: " + error);
        }
        out.print(summary.text());
        FeedbackSimulator f = feedback;
        if (f != null) {
            out.println(f.summary());
        }
        out.flush();
        if (o.summaryJson() != null) {
            try {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(o.summaryJson().toFile(), summary);
            } catch (IOException e) {
                err.println("replay: cannot write --summary-json " + o.summaryJson() + ": " + e.getMessage());
                return exitCode == EXIT_OK ? EXIT_FAILED : exitCode;
            }
        }
        return exitCode;
    }
}
