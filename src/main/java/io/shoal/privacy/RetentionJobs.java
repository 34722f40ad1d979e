package io.shoal.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.shoal.audit.ErasureRepository;
import io.shoal.config.PrivacyConfig;
import io.shoal.store.SeedStore;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Retention: history rows stored longer than {@code shoal.privacy.retention.history} are deleted in bounded batches
 * (each a short transaction), and shoppers idle longer than {@code shoal.privacy.retention.idle-shoppers} are removed
 * from Redis the way an erasure removes them, by a sweep that examines at most {@code sweep-budget} states per run
 * and resumes where it stopped. Both off by default; metered in {@code shoal_privacy_retention_purged_rows_total} and
 * {@code shoal_privacy_retention_expired_shoppers_total}.
 */
@ApplicationScoped
public class RetentionJobs {

    private static final int PAGE = 500;

    private final ErasureRepository repository;
    private final SegmentStore store;
    private final SeedStore seeds;
    private final PrivacyConfig config;
    private final Clock clock;
    private final Counter purged;
    private final Counter expired;
    private volatile String cursor = "0";

    public RetentionJobs(ErasureRepository repository, SegmentStore store, SeedStore seeds, PrivacyConfig config,
            MeterRegistry registry) {
        this.repository = repository;
        this.store = store;
        this.seeds = seeds;
        this.config = config;
        this.clock = Clock.systemUTC();
        this.purged = Counter.builder("shoal.privacy.retention.purged.rows")
                .description("Segment-history rows deleted by retention").register(registry);
        this.expired = Counter.builder("shoal.privacy.retention.expired.shoppers")
                .description("Idle shoppers removed from Redis by retention").register(registry);
    }

    @Scheduled(every = "${shoal.privacy.retention.purge-interval:1h}", delay = 60, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        Uni<Void> history = config.retention().history().isZero() ? Uni.createFrom().voidItem()
                : purgeHistoryBefore(clock.instant().minus(config.retention().history())).replaceWithVoid();
        return history.chain(() -> config.retention().idleShoppers().isZero() ? Uni.createFrom().voidItem()
                : expireIdleBefore(clock.millis() - config.retention().idleShoppers().toMillis()).replaceWithVoid())
                .onFailure().recoverWithUni(f -> {
                    Log.warnf("Retention run failed (it runs again at the next interval): %s", f.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Deletes every history row stored before {@code cutoff}, {@code purge-batch} rows per statement. */
    public Uni<Long> purgeHistoryBefore(Instant cutoff) {
        return purge(cutoff, 0);
    }

    private Uni<Long> purge(Instant cutoff, long done) {
        int batch = config.retention().purgeBatch();
        return repository.purgeHistory(cutoff, batch).chain(n -> {
            purged.increment(n);
            return n < batch ? Uni.createFrom().item(done + n) : purge(cutoff, done + n);
        });
    }

    /**
     * One sweep run: examines up to {@code sweep-budget} shopper states from where the last run stopped and removes
     * those whose last event is before {@code cutoffMillis}; the number removed.
     */
    public Uni<Long> expireIdleBefore(long cutoffMillis) {
        // The seeds' example shoppers, read once per run (a seed made during the run is read by the next one).
        return seeds.examples().chain(examples -> sweep(cutoffMillis, config.retention().sweepBudget(), 0, examples));
    }

    private Uni<Long> sweep(long cutoffMillis, int budget, long removed, Set<String> examples) {
        return store.scanUsers(cursor, PAGE).chain(page -> {
            cursor = page.cursor();
            return store.rawUsers(page.userIds()).chain(states -> {
                List<Uni<Boolean>> erasures = new ArrayList<>();
                for (int i = 0; i < states.size(); i++) {
                    byte[] state = states.get(i);
                    if (state == null) {
                        continue;
                    }
                    StoredUser user = StoredUserCodec.read(state);
                    long last = user.profile() != null ? user.profile().lastEventMillis() : user.sinceMillis();
                    if (last < cutoffMillis) {
                        // stale (an event arrived meanwhile): the shopper is active again, keep it
                        String id = page.userIds().get(i);
                        erasures.add(store.erase(id, state, user, List.of()).chain(e -> e.stale()
                                ? Uni.createFrom().item(false)
                                : examples.contains(id) ? seeds.forget(id).replaceWith(true)
                                        : Uni.createFrom().item(true)));
                    }
                }
                Uni<Long> step = erasures.isEmpty() ? Uni.createFrom().item(0L)
                        : Multi.createFrom().iterable(erasures).onItem().transformToUniAndConcatenate(u -> u)
                                .filter(Boolean::booleanValue).collect().with(java.util.stream.Collectors.counting());
                return step.chain(n -> {
                    expired.increment(n);
                    int left = budget - page.userIds().size();
                    return "0".equals(cursor) || left <= 0 ? Uni.createFrom().item(removed + n)
                            : sweep(cutoffMillis, left, removed + n, examples);
                });
            });
        });
    }
}
