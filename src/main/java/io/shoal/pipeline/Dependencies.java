package io.shoal.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shoal.audit.HistoryRepository;
import io.smallrye.mutiny.Uni;

/**
 * What the pipeline needs to apply a batch, probed when a batch fails: Redis (PING) and PostgreSQL
 * ({@code SELECT 1}). A batch that fails while one of them is down is not poison: the pipeline waits for it, keeps
 * the batch, reports readiness DOWN and ingestion answers 503 with Retry-After meanwhile ({@link #unavailable()}).
 */
@ApplicationScoped
public class Dependencies {

    /** How long a probe may take before the dependency counts as down. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final ReactiveRedisDataSource redis;
    private final HistoryRepository postgres;
    private volatile List<String> down = List.of();

    public Dependencies(ReactiveRedisDataSource redis, HistoryRepository postgres, MeterRegistry registry) {
        this.redis = redis;
        this.postgres = postgres;
        Gauge.builder("shoal.pipeline.dependencies.down", this, d -> d.down.size())
                .description("Dependencies the pipeline is waiting for (Redis, PostgreSQL); 0 when it is applying")
                .register(registry);
    }

    /** Probes both and remembers the answer. */
    public Uni<List<String>> probe() {
        Uni<Boolean> r = redis.execute("PING").ifNoItem().after(PROBE_TIMEOUT).fail().map(ok -> true)
                .onFailure().recoverWithItem(false);
        Uni<Boolean> p = postgres.ping().ifNoItem().after(PROBE_TIMEOUT).fail().map(ok -> true)
                .onFailure().recoverWithItem(false);
        return Uni.combine().all().unis(r, p).asTuple().map(t -> {
            List<String> now = new ArrayList<>(2);
            if (!t.getItem1()) {
                now.add("Redis");
            }
            if (!t.getItem2()) {
                now.add("PostgreSQL");
            }
            down = List.copyOf(now);
            return down;
        });
    }

    /** Marks every dependency up again (a batch was applied). */
    void recovered() {
        if (!down.isEmpty()) {
            down = List.of();
        }
    }

    /** The dependencies the pipeline is waiting for now; empty when it is applying. */
    public List<String> unavailable() {
        return down;
    }
}
