package io.shoal.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A client that sends a fixed set of events (every user's in order, a request of {@code perRequest} at a time) and
 * retries each request until it is answered 202, as a well-behaved client does: after a 503 it waits Retry-After;
 * after a connection failure (the process is down) a short while. It records every status and failure it saw, and
 * which events were answered 202 (accepted or duplicate: a retry of a request whose answer was lost), so a test can
 * check that everything acknowledged was applied exactly once.
 */
public final class EventFeeder implements Runnable {

    static final String[] TEXTS = {"glass star frosted t-light holder", "white hanging heart t-light holder",
            "set of 3 cake tins pantry design", "jumbo bag red retrospot", "pack of 72 retrospot cake cases",
            "assorted colour bird ornament", "regency cakestand 3 tier", "lunch bag red retrospot"};
    static final String[] TYPES = {"view", "cart", "purchase", "view"};

    private final IntSupplier port;
    private final String run;
    private final int users;
    private final int eventsPerUser;
    private final int perRequest;
    private final long pauseMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private volatile boolean done;

    /**
     * @param port        where the service is now
     * @param pauseMillis between two requests, so that a test can act while the stream is running
     */
    public EventFeeder(IntSupplier port, String run, int users, int eventsPerUser, int perRequest, long pauseMillis) {
        this.pauseMillis = pauseMillis;
        this.port = port;
        this.run = run;
        this.users = users;
        this.eventsPerUser = eventsPerUser;
        this.perRequest = perRequest;
    }

    public static String user(String run, int u) {
        return run + "-u" + u;
    }

    public String user(int u) {
        return user(run, u);
    }

    public int users() {
        return users;
    }

    public int eventsPerUser() {
        return eventsPerUser;
    }

    /** Events answered 202 so far. */
    public int acknowledged() {
        return acknowledged.get();
    }

    public boolean done() {
        return done;
    }

    /** HTTP status -> how many answers had it (202 included). */
    public Map<Integer, Integer> statuses() {
        return Map.copyOf(statuses);
    }

    /** Connection failures and unexpected answers, in order. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The type of a user's n-th event (what its activity counters must show). */
    public static String type(int n) {
        return TYPES[n % TYPES.length];
    }

    /** Runs the feeder on a daemon thread of its own; interrupt the thread to stop it early. */
    public Thread startInBackground() {
        Thread t = new Thread(this, "feeder-" + run);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The client saw no error but 503 (with Retry-After) on its way to a 202 for every event. */
    public void assertOnlyRetryableRefusals() {
        org.assertj.core.api.Assertions.assertThat(failures()).as("errors other than 503").isEmpty();
        org.assertj.core.api.Assertions.assertThat(statuses().keySet()).isSubsetOf(java.util.Set.of(202, 503));
    }

    @Override
    public void run() {
        List<String> batch = new ArrayList<>(perRequest);
        for (int n = 0; n < eventsPerUser; n++) {
            for (int u = 0; u < users; u++) {
                batch.add("{\"eventId\":\"" + run + "-" + u + "-" + n + "\",\"userId\":\"" + user(u) + "\",\"type\":\""
                        + type(n) + "\",\"text\":\"" + TEXTS[(u + n) % TEXTS.length] + "\"}");
                if (batch.size() == perRequest) {
                    send(batch);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
        done = true;
    }

    private void send(List<String> events) {
        String body = "[" + String.join(",", events) + "]";
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port.getAsInt() + "/v1/events"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .header("X-API-Key", ShoalProcess.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 202) {
                    acknowledged.addAndGet(events.size());
                    sleep(pauseMillis);
                    return;
                }
                if (r.statusCode() == 503 || r.statusCode() == 429) {
                    String after = r.headers().firstValue("Retry-After").orElse(null);
                    if (after == null) {
                        failures.add(r.statusCode() + " without Retry-After: " + r.body());
                    }
                    Thread.sleep(after == null ? 1000 : Long.parseLong(after) * 1000);
                    continue;
                }
                failures.add(r.statusCode() + ": " + r.body());
                return;
            } catch (IOException e) {
                failures.add("connection: " + e);
                sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
