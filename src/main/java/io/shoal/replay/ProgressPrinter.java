package io.shoal.replay;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Shows how the replay is going on stderr: on a terminal one line rewritten with {@code \r} four times a second,
 * otherwise (a pipe, a log file) a new line every five seconds. The rate is taken over the last few seconds; the
 * ETA extrapolates the elapsed time by the share done (of the file's bytes, or of {@code --limit}).
 */
public final class ProgressPrinter implements AutoCloseable {

    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(3);

    private record Sample(long nanos, long sent) {
    }

    private final PrintStream err;
    private final boolean terminal;
    private final ReplayStats stats;
    private final DoubleSupplier fractionDone;
    private final ReplayClock clock;
    private final long startNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private int shownWidth;
    private boolean closed;

    public ProgressPrinter(PrintStream err, boolean terminal, ReplayStats stats, DoubleSupplier fractionDone,
            ReplayClock clock) {
        this.err = err;
        this.terminal = terminal;
        this.stats = stats;
        this.fractionDone = fractionDone;
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        samples.add(new Sample(startNanos, 0));
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "replay-progress");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = terminal ? 250 : 5_000;
        timer.scheduleAtFixedRate(this::print, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void print() {
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        long sent = stats.eventsSent();
        samples.addLast(new Sample(now, sent));
        while (samples.size() > 2 && now - samples.peekFirst().nanos() > RATE_WINDOW_NANOS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        double rate = now > first.nanos() ? (sent - first.sent()) * 1e9 / (now - first.nanos()) : 0;
        String line = format(stats, rate, fractionDone.getAsDouble(), (now - startNanos) / 1e9);
        if (terminal) {
            int pad = Math.max(0, shownWidth - line.length());
            shownWidth = line.length();
            err.print("\r" + line + " ".repeat(pad));
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** One progress line; {@code fraction} in [0, 1] gives the percentage and the ETA. */
    static String format(ReplayStats stats, double eventsPerSecond, double fraction, double elapsedSeconds) {
        StringBuilder line = new StringBuilder(160);
        line.append(String.format(Locale.ROOT, "sent %,d  accepted %,d  dup %,d  rejected %,d  skipped %,d  %,.0f ev/s",
                stats.eventsSent(), stats.accepted(), stats.duplicates(), stats.rejected(), stats.skippedTotal(),
                eventsPerSecond));
        if (fraction > 0) {
            line.append(String.format(Locale.ROOT, "  %.1f%%", 100 * Math.min(fraction, 1)));
            if (fraction < 1) {
                line.append("  ETA ").append(duration(elapsedSeconds * (1 - fraction) / fraction));
            }
        }
        if (stats.retries() > 0) {
            line.append(String.format(Locale.ROOT, "  retries %,d (last: %s)", stats.retries(),
                    stats.lastRetryCause()));
        }
        return line.toString();
    }

    /** {@code 4m12s}, {@code 1h03m}, {@code 9s}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    /** Stops the updates and, on a terminal, ends the progress line. */
    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
        if (terminal && shownWidth > 0) {
            err.println();
        }
    }
}
