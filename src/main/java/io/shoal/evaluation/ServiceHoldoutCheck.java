package io.shoal.evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.inference.TextNormalizer;
import io.shoal.recommendation.ItemKey;
import io.shoal.recommendation.Strategy;
import io.shoal.replay.ApiKey;
import io.shoal.replay.DatasetFormat;

/**
 * {@code ./shoal rec-check}: the recommendations' hold-out protocol ({@link RecommendationHoldout.Protocol}) asked of
 * a <em>running service</em> instead of the in-memory engine. The service has been sent every Online Retail event
 * before the cutoff ({@code ./shoal replay FILE --before DATE}) and has applied them; this client asks
 * {@code GET /v1/users/{id}/recommendations?strategy=S} for each scored customer and each strategy and scores the lists
 * on the customer's first basket after the cutoff, exactly as {@code ./shoal evaluate --report recommendations} scores
 * the in-memory recommender. A plain client: no Quarkus, only the JDK and Jackson.
 * <p>
 * The replay sends every line as the shop's log has it, postage and fees included, so the service learns them; the
 * protocol neither scores nor recommends them, so the client asks for {@value #ASKED} items and keeps the first
 * {@value RecommendationCheck#TOP} products.
 */
public final class ServiceHoldoutCheck {

    /** Items asked for per list, so that {@value RecommendationCheck#TOP} products remain after postage and fees. */
    static final int ASKED = 20;
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_UNREACHABLE = 2;
    static final int EXIT_USAGE = 64;

    static final String USAGE = """
            Usage: java -cp ... io.shoal.evaluation.ServiceHoldoutCheck [--url URL] [--data DIR] [--cutoff DATE]
                                                                          [--concurrency N]
            (./shoal rec-check starts a service, replays Online Retail before the cutoff into it and runs this.)

              --url          the service (default http://127.0.0.1:8080); the API key from SHOAL_API_KEY
              --data         the shared data folder (default ../shared/data)
              --cutoff       the date the service learned up to (default 2011-10-01, Europe/London)
              --concurrency  requests in flight (default 8)
            """;

    private ServiceHoldoutCheck() {
    }

    /** The scores of the lists the service gave, and what it knew of the customers. */
    public record Result(int customers, int catalogue, Map<Strategy, RecommendationHoldout.Score> scores,
            int coldStarts, int withoutSegment, long requests) {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        URI url = URI.create("http://127.0.0.1:8080/");
        Path data = Path.of("../shared/data");
        LocalDate cutoff = EvaluateCommand.DEFAULT_CUTOFF;
        int concurrency = 8;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    out.print(USAGE);
                    return EXIT_OK;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + (a.startsWith("--") ? " needs a value" : ": unknown"));
                }
                String v = args[++i];
                switch (a) {
                    case "--url" -> url = URI.create(v.endsWith("/") ? v : v + "/");
                    case "--data" -> data = Path.of(v);
                    case "--cutoff" -> cutoff = LocalDate.parse(v);
                    case "--concurrency" -> concurrency = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("--concurrency must be in [1, 256] but was " + concurrency);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println("rec-check: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        }
        long cutoffMillis = DatasetFormat.ONLINE_RETAIL.startOfDay(cutoff).toEpochMilli();
        Predicate<String> recommendable = EvaluateCommand.recommendable(DatasetFormat.ONLINE_RETAIL);
        try {
            EvaluationDataset dataset = EvaluationDataset.read(data, DatasetFormat.ONLINE_RETAIL, 0,
                    new TextNormalizer(true));
            RecommendationHoldout.Protocol protocol = RecommendationHoldout.Protocol.of(dataset.events(),
                    recommendable, cutoffMillis);
            err.printf(Locale.ROOT, "rec-check: asking %s for %,d customers' lists, %d strategies%n", url,
                    protocol.targets().size(), Strategy.values().length);
            Result r = check(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), url, protocol,
                    recommendable, concurrency);
            print(r, cutoff, url, out);
            return EXIT_OK;
        } catch (ServiceError e) {
            err.println("rec-check: " + e.getMessage());
            return e.getCause() instanceof ConnectException ? EXIT_UNREACHABLE : EXIT_FAILED;
        } catch (IOException e) {
            err.println("rec-check: cannot read the data under " + data + ": " + e.getMessage());
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
    }

    /** A call that did not answer 200 with a list. */
    static final class ServiceError extends RuntimeException {
        ServiceError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Asks every scored customer's list of every strategy and scores them. */
    static Result check(HttpClient client, URI service, RecommendationHoldout.Protocol protocol,
            Predicate<String> recommendable, int concurrency) throws InterruptedException {
        ObjectMapper json = new ObjectMapper();
        Map<Strategy, RecommendationHoldout.Tally> tallies = new EnumMap<>(Strategy.class);
        for (Strategy s : Strategy.values()) {
            tallies.put(s, new RecommendationHoldout.Tally());
        }
        AtomicInteger coldStarts = new AtomicInteger();
        AtomicInteger withoutSegment = new AtomicInteger();
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (Map.Entry<String, Set<String>> customer : protocol.targets().entrySet()) {
            for (Strategy s : Strategy.values()) {
                URI uri = service.resolve("v1/users/" + URLEncoder.encode(customer.getKey(), StandardCharsets.UTF_8)
                        .replace("+", "%20") + "/recommendations?limit=" + ASKED + "&strategy=" + s.wireName());
                HttpRequest request = ApiKey.authorize(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json")).GET().build();
                inFlight.acquire();
                calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            inFlight.release();
                            if (failure != null) {
                                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                                throw new ServiceError("GET " + uri + " failed: " + cause, cause);
                            }
                            if (response.statusCode() != 200) {
                                throw new ServiceError("GET " + uri + " answered " + response.statusCode() + ": "
                                        + response.body(), null);
                            }
                            JsonNode list;
                            try {
                                list = json.readTree(response.body());
                            } catch (IOException e) {
                                throw new ServiceError("GET " + uri + " answered no list: " + e.getMessage(), e);
                            }
                            List<String> items = new ArrayList<>();
                            for (JsonNode item : list.path("items")) {
                                String key = ItemKey.of(item.path("itemId").isTextual()
                                        ? item.path("itemId").asText() : null,
                                        item.path("text").isTextual() ? item.path("text").asText() : null);
                                if (items.size() < RecommendationCheck.TOP && key != null && recommendable.test(key)) {
                                    items.add(key);
                                }
                            }
                            synchronized (tallies) {
                                tallies.get(s).add(items, customer.getValue());
                                if (s == Strategy.GLOBAL) {
                                    if (list.path("coldStart").asBoolean()) {
                                        coldStarts.incrementAndGet();
                                    } else if (list.path("segmentId").isNull()
                                            || list.path("segmentId").isMissingNode()) {
                                        withoutSegment.incrementAndGet();
                                    }
                                }
                            }
                            return null;
                        }));
            }
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ServiceError s) {
                throw s;
            }
            throw e;
        }
        Map<Strategy, RecommendationHoldout.Score> scores = new EnumMap<>(Strategy.class);
        int customers = protocol.targets().size();
        for (Strategy s : Strategy.values()) {
            scores.put(s, tallies.get(s).score(customers, protocol.catalogue().size()));
        }
        return new Result(customers, protocol.catalogue().size(), scores, coldStarts.get(), withoutSegment.get(),
                calls.size());
    }

    static void print(Result r, LocalDate cutoff, URI service, PrintStream out) {
        out.printf(Locale.ROOT, "%n== recommendations of the running service %s, online-retail hold-out: learned before"
                + " %s, scored on the first basket after it; %,d customers (%,d unknown to the service, %,d without a"
                + " segment), %,d items bought before, %,d calls%n", service, cutoff, r.customers(), r.coldStarts(),
                r.withoutSegment(), r.catalogue(), r.requests());
        EvaluateCommand.printScores(r.scores(), out);
        EvaluateCommand.printLifts(r.scores(), out);
    }
}
