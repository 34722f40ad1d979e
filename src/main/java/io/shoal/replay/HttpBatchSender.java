package io.shoal.replay;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * POSTs batches to {@code /v1/events} and sees each through to a final answer. Thread-safe: the replay calls it
 * from its {@code --concurrency} sender threads.
 * <ul>
 * <li>429 and 503 (saturated, Redis away, shutting down: the service took nothing): wait as {@link Backoff} says
 * and resend the same batch, as often as it takes. Resending is safe: event ids are deterministic and the service
 * deduplicates them.</li>
 * <li>Other 5xx, timeouts, dropped connections: resend up to {@link #MAX_FAILED_ATTEMPTS} times, then stop the
 * replay ({@link ReplayFailedException}).</li>
 * <li>Connection refused before any request got through: stop at once ({@link ServiceUnreachableException}),
 * since nothing is listening; after that (a restart), resend as for other failures.</li>
 * <li>2xx and other 4xx: final; accepted, duplicates and rejected events are counted.</li>
 * </ul>
 */
public final class HttpBatchSender implements BatchSender {

    /** Attempts per batch for failures other than 429/503 before the replay stops. */
    static final int MAX_FAILED_ATTEMPTS = 8;

    private final HttpClient client;
    private final URI endpoint;
    private final Duration requestTimeout;
    private final Backoff backoff;
    private final ReplayClock clock;
    private final ReplayStats stats;
    private final AtomicBoolean connected = new AtomicBoolean();

    public HttpBatchSender(HttpClient client, URI endpoint, Duration requestTimeout, Backoff backoff,
            ReplayClock clock, ReplayStats stats) {
        this.client = client;
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.backoff = backoff;
        this.clock = clock;
        this.stats = stats;
    }

    /** An HTTP/1.1 client (the service speaks it on the same port as gRPC) with a 5 s connect timeout. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void send(List<ReplayEvent> batch) throws InterruptedException {
        HttpRequest request = ApiKey.authorize(HttpRequest.newBuilder(endpoint)).timeout(requestTimeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.write(batch))).build();
        int throttled = 0;
        int failed = 0;
        while (true) {
            HttpResponse<String> response;
            long start = clock.nanoTime();
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (isUnreachable(e) && !connected.get()) {
                    throw new ServiceUnreachableException(endpoint, e);
                }
                failed++;
                if (failed >= MAX_FAILED_ATTEMPTS) {
                    if (isUnreachable(e)) {
                        throw new ServiceUnreachableException(endpoint, e);
                    }
                    throw new ReplayFailedException("gave up on a batch of " + batch.size() + " events after "
                            + failed + " attempts: " + e, e);
                }
                stats.retry(e.getClass().getSimpleName());
                clock.sleepNanos(backoff.delayNanos(failed, OptionalLong.empty()));
                continue;
            }
            stats.latency(clock.nanoTime() - start);
            stats.requests.increment();
            connected.set(true);
            int status = response.statusCode();
            if (status == 429 || status == 503) {
                throttled++;
                stats.retry(Integer.toString(status));
                OptionalLong retryAfter = Backoff.parseRetryAfter(response.headers().firstValue("Retry-After")
                        .orElse(null));
                clock.sleepNanos(backoff.delayNanos(throttled, retryAfter));
                continue;
            }
            if (status == 401 || status == 403) {
                throw new ReplayFailedException(ApiKey.hint(status, response.body()), null);
            }
            if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
                failed++;
                if (failed >= MAX_FAILED_ATTEMPTS || status < 500) {
                    throw new ReplayFailedException("gave up on a batch of " + batch.size() + " events: HTTP "
                            + status + " from " + endpoint + " after " + failed + " attempts: " + response.body(),
                            null);
                }
                stats.retry(Integer.toString(status));
                clock.sleepNanos(backoff.delayNanos(failed, OptionalLong.empty()));
                continue;
            }
            IngestAnswer answer = IngestAnswer.parse(status, response.body(), batch);
            stats.answered(batch.size(), answer.accepted(), answer.duplicates(), answer.rejected(), answer.messages());
            return;
        }
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
