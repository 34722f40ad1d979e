package io.shoal.replay;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.event.EventType;

/**
 * {@code --simulate-feedback}: closes the recommendation loop during a replay, so a demo shows live CTR and
 * conversion per strategy and segment.
 * <p>
 * Rule: before a shopper's basket (their purchases with one event time) is sent, the shopper's recommendations are
 * asked for ({@code GET /v1/users/{id}/recommendations}, the strategy the service's A/B split gives them); each item
 * shown is sent back as an {@code impression} (one second before the basket), and each shown item the basket holds
 * as a {@code click} (half a second before), both with the list's {@code recommendationId}; then the basket goes.
 * So "an item shown and bought in the shopper's next basket counts as clicked", and its purchase converts. Each basket
 * is simulated once, also when the replay cuts it into two requests. Event ids derive from the basket's first event
 * id, so a second replay sends duplicates only. A basket whose recommendations cannot be read (cold service, 5xx) is
 * sent without feedback and counted. Approximation: with {@code --concurrency} above 1 a shopper's baskets may be
 * recommended for before the service applied the previous one.
 */
public final class FeedbackSimulator implements BatchSender {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchSender events;
    private final BatchSender feedback;
    private final HttpClient client;
    private final URI base;
    private final Duration timeout;
    private final Set<String> simulated = ConcurrentHashMap.newKeySet();
    final LongAdder baskets = new LongAdder();
    final LongAdder impressions = new LongAdder();
    final LongAdder clicks = new LongAdder();
    final LongAdder unavailable = new LongAdder();

    /**
     * @param events   sends the replayed events
     * @param feedback sends the simulated impressions and clicks (its own counts, apart from the dataset's)
     * @param base     the service, e.g. http://127.0.0.1:8080
     */
    public FeedbackSimulator(BatchSender events, BatchSender feedback, HttpClient client, URI base, Duration timeout) {
        this.events = events;
        this.feedback = feedback;
        this.client = client;
        this.base = base;
        this.timeout = timeout;
    }

    @Override
    public void send(List<ReplayEvent> batch) throws InterruptedException {
        Map<String, List<ReplayEvent>> basketsOf = new LinkedHashMap<>();
        for (ReplayEvent e : batch) {
            if (e.type() == EventType.PURCHASE && e.occurredAt() != null) {
                basketsOf.computeIfAbsent(e.userId() + "\u0000" + e.occurredAt().toEpochMilli(),
                        k -> new ArrayList<>()).add(e);
            }
        }
        // The lists of all the batch's baskets are asked for at once, then their feedback is sent in one request.
        List<List<ReplayEvent>> fresh = new ArrayList<>();
        for (Map.Entry<String, List<ReplayEvent>> basket : basketsOf.entrySet()) {
            if (simulated.add(basket.getKey())) {
                fresh.add(basket.getValue());
            }
        }
        List<CompletableFuture<JsonNode>> lists = new ArrayList<>(fresh.size());
        for (List<ReplayEvent> basket : fresh) {
            lists.add(recommendations(basket.get(0).userId()));
        }
        List<ReplayEvent> shown = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            JsonNode list;
            try {
                list = lists.get(i).get();
            } catch (ExecutionException e) {
                list = null;
            }
            if (list == null) {
                unavailable.increment();
            } else {
                shown.addAll(feedbackFor(fresh.get(i), list));
            }
        }
        if (!shown.isEmpty()) {
            feedback.send(shown);
        }
        events.send(batch);
    }

    /** The shopper's list (null when it cannot be read: not 200, not JSON, no connection). */
    private CompletableFuture<JsonNode> recommendations(String userId) {
        HttpRequest request = ApiKey.authorize(HttpRequest.newBuilder(base.resolve("/v1/users/"
                + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/recommendations?limit=10"))).timeout(timeout).header("Accept", "application/json").GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null || response.statusCode() != 200) {
                return null;
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** The impressions and clicks of one basket shown {@code list}. */
    List<ReplayEvent> feedbackFor(List<ReplayEvent> basket, JsonNode list) {
        ReplayEvent first = basket.get(0);
        baskets.increment();
        Set<String> bought = new HashSet<>();
        for (ReplayEvent e : basket) {
            if (e.itemId() != null) {
                bought.add(e.itemId());
            }
        }
        String rid = list.path("recommendationId").asText();
        Instant at = first.occurredAt();
        List<ReplayEvent> out = new ArrayList<>();
        int position = 0;
        for (JsonNode item : list.path("items")) {
            String itemId = item.path("itemId").isTextual() ? item.path("itemId").asText() : null;
            String text = item.path("text").isTextual() ? item.path("text").asText() : null;
            if (itemId == null && text == null) {
                continue;
            }
            String id = first.eventId() + ":sim:" + position++;
            out.add(new ReplayEvent(id + ":i", first.userId(), EventType.IMPRESSION, itemId, text, null, null, null,
                    at.minusSeconds(1), rid));
            impressions.increment();
            if (itemId != null && bought.contains(itemId)) {
                out.add(new ReplayEvent(id + ":c", first.userId(), EventType.CLICK, itemId, text, null, null, null,
                        at.minusMillis(500), rid));
                clicks.increment();
            }
        }
        return out;
    }

    /** One line for the replay's summary. */
    public String summary() {
        return String.format("simulated feedback: %,d baskets shown recommendations, %,d impressions, %,d clicks "
                + "(CTR %.1f%%)%s", baskets.sum(), impressions.sum(), clicks.sum(),
                impressions.sum() == 0 ? 0.0 : 100.0 * clicks.sum() / impressions.sum(),
                unavailable.sum() == 0 ? "" : String.format("; %,d baskets without (recommendations unavailable)",
                        unavailable.sum()));
    }
}
