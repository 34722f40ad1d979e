package io.shoal.replay;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of one replay, printed at the end and written by {@code --summary-json} (field names as below).
 *
 * @param file                the dataset replayed
 * @param format              {@code online-retail} or {@code complete-journey}
 * @param url                 the endpoint the events went to
 * @param completed           true when the whole file (or --limit) was sent and answered
 * @param exitCode            0 done, 1 failed, 2 service unreachable, 130 interrupted
 * @param error               why it stopped early, or null
 * @param linesRead           data lines read (the header not counted)
 * @param eventsSent          events in requests that got a final answer
 * @param accepted            events the service accepted
 * @param duplicates          events it had already seen (a second run of the same file: all of them)
 * @param rejected            events it refused
 * @param rejectedMessages    the first few refusals, {@code eventId: field: message}
 * @param skipped             lines that gave no event
 * @param skippedByReason     those lines by reason ({@code missing-customer-id}, {@code blank-description},
 *                            {@code negative-price}, {@code unknown-product}, {@code malformed-line}); zero
 *                            counts left out
 * @param requests            HTTP requests answered, resends included
 * @param retries             resends after 429/503 or failures
 * @param elapsedSeconds      wall-clock time of the replay
 * @param meanEventsPerSecond eventsSent / elapsedSeconds
 * @param latencyMs           HTTP request latency percentiles in milliseconds
 */
public record ReplaySummary(
        String file,
        String format,
        String url,
        boolean completed,
        int exitCode,
        String error,
        long linesRead,
        long eventsSent,
        long accepted,
        long duplicates,
        long rejected,
        List<String> rejectedMessages,
        long skipped,
        Map<String, Long> skippedByReason,
        long requests,
        long retries,
        double elapsedSeconds,
        double meanEventsPerSecond,
        Latency latencyMs) {

    /** Nearest-rank percentiles of the request latencies, in milliseconds. */
    public record Latency(double p50, double p95, double p99, double max) {
    }

    static ReplaySummary of(ReplayOptions options, ReplayStats stats, int exitCode, String error,
            double elapsedSeconds) {
        return new ReplaySummary(options.file().toString(), options.format().optionName(),
                options.endpoint().toString(), exitCode == 0, exitCode, error, stats.linesRead(), stats.eventsSent(),
                stats.accepted(), stats.duplicates(), stats.rejected(), stats.rejectedMessages(),
                stats.skippedTotal(), stats.skippedByReason(), stats.requests(), stats.retries(),
                round(elapsedSeconds, 3), round(elapsedSeconds > 0 ? stats.eventsSent() / elapsedSeconds : 0, 1),
                new Latency(round(stats.latencyMillis(50), 2), round(stats.latencyMillis(95), 2),
                        round(stats.latencyMillis(99), 2), round(stats.latencyMillis(100), 2)));
    }

    /** The summary for people. */
    String text() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "replay %s of %s (%s) to %s%n", completed ? "done" : "STOPPED", file,
                format, url));
        if (error != null) {
            s.append("  error          ").append(error).append(System.lineSeparator());
        }
        s.append(String.format(Locale.ROOT, "  lines read     %,d%n", linesRead));
        s.append(String.format(Locale.ROOT, "  events sent    %,d%n", eventsSent));
        s.append(String.format(Locale.ROOT, "  accepted       %,d%n", accepted));
        s.append(String.format(Locale.ROOT, "  duplicates     %,d%n", duplicates));
        s.append(String.format(Locale.ROOT, "  rejected       %,d%n", rejected));
        for (String m : rejectedMessages) {
            s.append("                   ").append(m).append(System.lineSeparator());
        }
        s.append(String.format(Locale.ROOT, "  skipped        %,d", skipped));
        if (!skippedByReason.isEmpty()) {
            s.append(skippedByReason.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", ", " (", ")")));
        }
        s.append(System.lineSeparator());
        s.append(String.format(Locale.ROOT, "  requests       %,d (%,d retries)%n", requests, retries));
        s.append(String.format(Locale.ROOT, "  elapsed        %.1f s, mean %,.0f events/s%n", elapsedSeconds,
                meanEventsPerSecond));
        s.append(String.format(Locale.ROOT, "  HTTP latency   p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                latencyMs.p50(), latencyMs.p95(), latencyMs.p99(), latencyMs.max()));
        return s.toString();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
