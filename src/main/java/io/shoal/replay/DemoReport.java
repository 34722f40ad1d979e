package io.shoal.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The report at the end of {@code ./shoal demo}: what was replayed, the segments the service learned (sizes and
 * the item texts that describe them), who moved and when (from the audit trail), how fast it went, and where to look
 * next. A plain client of the running service's REST API and of its PostgreSQL database.
 * <p>
 * {@code DemoReport --url http://127.0.0.1:8080 --management-url http://127.0.0.1:9000 --jdbc jdbc:postgresql://127.0.0.1:5432/shoal --summary FILE}
 */
public final class DemoReport {

    private static final Pattern QUANTILE = Pattern.compile(
            "^shoal_pipeline_batch_latency_seconds\\{.*quantile=\"([0-9.]+)\".*}\\s+([0-9.eE+-]+)$");
    private static final Pattern VISIBLE = Pattern.compile(
            "^shoal_pipeline_event_visible_latency_seconds\\{.*quantile=\"([0-9.]+)\".*}\\s+([0-9.eE+-]+)$");

    private final PrintStream out;
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DemoReport(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        String url = opts.getOrDefault("--url", "http://127.0.0.1:8080");
        String management = opts.getOrDefault("--management-url", "http://127.0.0.1:9000");
        String jdbc = opts.getOrDefault("--jdbc", "jdbc:postgresql://127.0.0.1:5432/shoal");
        String user = opts.getOrDefault("--db-user", "postgres");
        Path summary = opts.containsKey("--summary") ? Path.of(opts.get("--summary")) : null;
        new DemoReport(System.out).print(url, management, jdbc, user, summary);
    }

    void print(String url, String management, String jdbc, String dbUser, Path summaryFile) throws IOException, InterruptedException {
        line('=');
        out.println(" Shoal demo report");
        line('=');
        if (summaryFile != null && Files.exists(summaryFile)) {
            JsonNode s = mapper.readTree(summaryFile.toFile());
            out.printf(Locale.ROOT, " Replayed %s%n", s.path("file").asText());
            out.printf(Locale.ROOT, "   lines read %,d   events sent %,d   accepted %,d   duplicates %,d   rejected %,d%n",
                    s.path("linesRead").asLong(), s.path("eventsSent").asLong(), s.path("accepted").asLong(),
                    s.path("duplicates").asLong(), s.path("rejected").asLong());
            out.printf(Locale.ROOT, "   skipped %s%n", s.path("skippedByReason"));
            out.printf(Locale.ROOT, "   %.1f s, %,.0f events/s; request latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
                    s.path("elapsedSeconds").asDouble(), s.path("meanEventsPerSecond").asDouble(),
                    s.path("latencyMs").path("p50").asDouble(), s.path("latencyMs").path("p95").asDouble(),
                    s.path("latencyMs").path("p99").asDouble());
        }
        Map<String, Double> quantiles = quantiles(management, QUANTILE);
        if (!quantiles.isEmpty()) {
            out.printf(Locale.ROOT, "   micro-batch processing (embed + segment + audit) p50 %.0f ms, p99 %.0f ms%n",
                    1000 * quantiles.getOrDefault("0.5", Double.NaN), 1000 * quantiles.getOrDefault("0.99", Double.NaN));
        }
        Map<String, Double> visible = quantiles(management, VISIBLE);
        if (!visible.isEmpty()) {
            out.printf(Locale.ROOT, "   event accepted -> shopper's segment state updated: p50 %.0f ms, p95 %.0f ms, "
                    + "p99 %.0f ms (last minute)%n", 1000 * visible.getOrDefault("0.5", Double.NaN),
                    1000 * visible.getOrDefault("0.95", Double.NaN), 1000 * visible.getOrDefault("0.99", Double.NaN));
        }

        line('-');
        JsonNode listing = getJson(url + "/v1/segments");
        if (listing == null) {
            out.println(" Segments: none yet (the model is seeded once enough shoppers have profiles)");
        } else {
            List<JsonNode> live = new ArrayList<>();
            listing.path("segments").forEach(s -> {
                if (s.path("retired").isNull() || s.path("retired").isMissingNode()) {
                    live.add(s);
                }
            });
            live.sort((a, b) -> Long.compare(b.path("size").asLong(), a.path("size").asLong()));
            long total = live.stream().mapToLong(s -> s.path("size").asLong()).sum();
            out.printf(Locale.ROOT, " %d segments, %,d shoppers segmented (model version %d)%n", live.size(), total,
                    listing.path("modelVersion").asLong());
            for (JsonNode s : live) {
                out.printf(Locale.ROOT, "%n  #%-4d %-40s %,6d shoppers (%4.1f%%)%n", s.path("segmentId").asLong(),
                        truncate(s.path("label").asText(), 40), s.path("size").asLong(),
                        total == 0 ? 0 : 100.0 * s.path("size").asLong() / total);
                int n = 0;
                for (JsonNode d : s.path("description")) {
                    if (n++ == 5) {
                        break;
                    }
                    out.println("        - " + truncate(d.asText(), 70));
                }
            }
        }

        line('-');
        movements(jdbc, dbUser);
        line('-');
        feedback(getJson(url + "/v1/recommendations/stats"));
        line('-');
        out.println(" Where next");
        String key = ApiKey.fromEnvironment().isPresent() ? "$" + ApiKey.ENV : "<API key>";
        out.println("   a shopper       curl -H \"X-API-Key: " + key + "\" " + url
                + "/v1/users/<customerId>/segment  (and /history, /recommendations)");
        out.println("   live changes    curl -N -H \"X-API-Key: " + key + "\" " + url + "/v1/segment-changes");
        out.println("   gRPC            grpcurl -plaintext -H \"authorization: Bearer " + key + "\" -proto "
                + "src/main/proto/shoal/v1/segments.proto " + url.replaceFirst("^https?://", "") + " shoal.v1.SegmentService/ListSegments");
        out.println("   metrics         " + management + "/q/metrics   (management port: health, metrics)");
        out.println("   quality report  ./shoal evaluate");
        out.println("   dashboard       " + url + "/dashboard/");
        line('=');
    }

    /** CTR and conversion per strategy (all segments) and for the segments with the most impressions. */
    void feedback(JsonNode stats) {
        if (stats == null || stats.path("rows").isEmpty()) {
            out.println(" Recommendations: no impressions yet (replay with --simulate-feedback, or send impression "
                    + "and click events)");
            return;
        }
        Map<String, long[]> byStrategy = new java.util.TreeMap<>();
        List<JsonNode> rows = new ArrayList<>();
        stats.path("rows").forEach(r -> {
            long[] t = byStrategy.computeIfAbsent(r.path("strategy").asText(), k -> new long[3]);
            t[0] += r.path("impressions").asLong();
            t[1] += r.path("clicks").asLong();
            t[2] += r.path("conversions").asLong();
            rows.add(r);
        });
        out.println(" Recommendations, live feedback per strategy (A/B split by shopper)");
        out.println("   strategy     impressions     clicks     CTR   conversions   conv. rate");
        byStrategy.forEach((strategy, t) -> out.printf(Locale.ROOT, "   %-10s %,13d %,10d %6.1f%% %,13d %11.1f%%%n",
                strategy, t[0], t[1], t[0] == 0 ? 0 : 100.0 * t[1] / t[0], t[2], t[0] == 0 ? 0 : 100.0 * t[2] / t[0]));
        rows.sort((a, b) -> Long.compare(b.path("impressions").asLong(), a.path("impressions").asLong()));
        out.println("   by segment (most impressions first)");
        for (JsonNode r : rows.subList(0, Math.min(8, rows.size()))) {
            out.printf(Locale.ROOT, "   %-34s %-9s %,9d shown  CTR %5.1f%%  conv. %5.1f%%%n",
                    truncate(r.path("segmentLabel").isTextual() ? r.path("segmentLabel").asText() : "no segment", 34),
                    r.path("strategy").asText(), r.path("impressions").asLong(), 100 * r.path("ctr").asDouble(),
                    100 * r.path("conversionRate").asDouble());
        }
    }

    private void movements(String jdbc, String dbUser) {
        try (Connection c = DriverManager.getConnection(jdbc, dbUser, System.getenv().getOrDefault("PGPASSWORD", ""));
                Statement st = c.createStatement()) {
            Map<String, Long> byReason = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT reason, count(*) FROM segment_history GROUP BY reason ORDER BY reason")) {
                while (rs.next()) {
                    byReason.put(rs.getString(1), rs.getLong(2));
                }
            }
            long movers;
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(DISTINCT user_id) FROM segment_history WHERE reason <> 'assigned'")) {
                rs.next();
                movers = rs.getLong(1);
            }
            out.printf(Locale.ROOT, " Segment changes recorded in PostgreSQL: %s; %,d shoppers moved at least once%n",
                    byReason, movers);
            out.println("   month      assigned     moved   (event time)");
            try (ResultSet rs = st.executeQuery("SELECT to_char(date_trunc('month', changed_at), 'YYYY-MM'), "
                    + "count(*) FILTER (WHERE reason = 'assigned'), count(*) FILTER (WHERE reason <> 'assigned') "
                    + "FROM segment_history GROUP BY 1 ORDER BY 1")) {
                while (rs.next()) {
                    out.printf(Locale.ROOT, "   %s  %,9d  %,9d%n", rs.getString(1), rs.getLong(2), rs.getLong(3));
                }
            }
        } catch (SQLException e) {
            out.println(" Segment changes: PostgreSQL not readable at " + jdbc + " (" + e.getMessage() + ")");
        }
    }

    private Map<String, Double> quantiles(String url, Pattern metric) {
        Map<String, Double> q = new LinkedHashMap<>();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String l : r.body().split("\n")) {
                Matcher m = metric.matcher(l.trim());
                if (m.matches()) {
                    q.put(m.group(1), Double.parseDouble(m.group(2)));
                }
            }
        } catch (IOException e) {
            return q;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return q;
    }

    private JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(ApiKey.authorize(HttpRequest.newBuilder(URI.create(url))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? mapper.readTree(r.body()) : null;
    }

    private void line(char c) {
        out.println(String.valueOf(c).repeat(78));
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
