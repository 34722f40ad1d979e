package io.shoal.privacy;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.shoal.audit.ErasureRepository;
import io.shoal.config.PrivacyConfig;
import io.shoal.security.KeyedHash;
import io.shoal.store.RedisKeys;
import io.shoal.store.SeedStore;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUserCodec;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Erases shoppers (GDPR Art. 17): every Redis key of the shopper and of the ids merged into it (state, profile,
 * activity, positions, links, dedup marks, sample entry, recommendation state), the shopper as an example of seeded
 * segments ({@link SeedStore#forget}), the approximate contribution to the segment sums (erase_user.lua says what is
 * approximate), and the PostgreSQL rows (segment history, dead letters,
 * identity links); then a receipt without personal data.
 * <p>
 * The steps: a pending receipt (holding the raw id) first, then Redis, then PostgreSQL, then the receipt is closed
 * and the raw id dropped. Every step is idempotent, so a receipt left pending by a crash or an outage is simply run
 * again ({@link #resume()}, every few minutes and after a start). Events of the shopper accepted before the erasure
 * but applied after it (a fraction of a second in the log) and later events start a new shopper.
 */
@ApplicationScoped
public class ErasureService {

    private static final int STALE_RETRIES = 8;

    private final ErasureRepository receipts;
    private final SegmentStore store;
    private final SeedStore seeds;
    private final RedisKeys keys;
    private final PrivacyConfig config;
    private final KeyedHash hash;
    private final ObjectMapper json;
    private final Counter erased;

    public ErasureService(ErasureRepository receipts, SegmentStore store, SeedStore seeds, RedisKeys keys,
            PrivacyConfig config, ObjectMapper json, MeterRegistry registry) {
        this.receipts = receipts;
        this.store = store;
        this.seeds = seeds;
        this.keys = keys;
        this.config = config;
        this.json = json;
        if (config.hmacKey().isPresent()) {
            this.hash = KeyedHash.of(config.hmacKey().get());
        } else {
            Log.warn("shoal.privacy.hmac-key (SHOAL_PRIVACY_HMAC_KEY) is not set: erasure receipts name shoppers "
                    + "by a key of this process only and cannot be matched to an id later");
            this.hash = KeyedHash.random();
        }
        this.erased = Counter.builder("shoal.privacy.erasures").description("Shoppers erased (receipts completed)")
                .register(registry);
    }

    /** The keyed hash a receipt names this id by. */
    public String subject(String userId) {
        return hash.hex(userId);
    }

    /** Erases shoppers, {@code erasure-concurrency} at a time; receipts in request order. */
    public Uni<List<ErasureReceipt>> erase(List<String> userIds, String requestedBy) {
        List<Uni<ErasureReceipt>> each = userIds.stream().map(id -> erase(id, requestedBy)).toList();
        return Uni.join().all(each).usingConcurrencyOf(config.erasureConcurrency()).andFailFast();
    }

    public Uni<ErasureReceipt> erase(String userId, String requestedBy) {
        String subject = hash.hex(userId);
        return receipts.begin(userId, subject, requestedBy).chain(receipt -> run(receipt, userId, subject));
    }

    /** Finishes the receipts a crash or an outage left open (every 5 minutes, the first pass soon after start). */
    @Scheduled(every = "5m", delay = 20, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> resume() {
        return receipts.pending(config.resumeBatch()).chain(open -> {
            if (open.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Log.infof("Finishing %d erasure(s) left open", open.size());
            return Multi.createFrom().iterable(open)
                    .onItem().transformToUni(p -> run(p.receiptId(), p.userId(), hash.hex(p.userId()))
                            .onFailure().recoverWithItem(f -> {
                                Log.warnf("Erasure receipt %d is still open: %s", p.receiptId(), f.toString());
                                return null;
                            }))
                    .merge(config.erasureConcurrency()).collect().asList().replaceWithVoid();
        }).onFailure().recoverWithUni(f -> {
            Log.warnf("Open erasures could not be read: %s", f.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<ErasureReceipt> run(long receipt, String userId, String subject) {
        return receipts.linkedIds(userId).chain(linked -> {
            List<String> ids = new ArrayList<>(linked.size() + 1);
            ids.add(userId);
            ids.addAll(linked);
            return Multi.createFrom().iterable(ids).onItem().transformToUniAndConcatenate(id -> eraseRedis(id, 0))
                    .collect().asList()
                    .chain(parts -> receipts.purge(userId, linked).chain(purged -> {
                        ErasureReceipt.Removed removed = new ErasureReceipt.Removed(linked.size(), 0, 0, 0, 0,
                                purged.historyRows(), purged.deadLetters(), purged.identityLinks(), 0);
                        for (ErasureReceipt.Removed p : parts) {
                            removed = removed.plus(p);
                        }
                        ErasureReceipt.Removed total = removed;
                        return receipts.complete(receipt, toJson(total)).map(at -> {
                            erased.increment();
                            return new ErasureReceipt(receipt, subject, at, total);
                        });
                    }));
        });
    }

    private Uni<ErasureReceipt.Removed> eraseRedis(String id, int attempt) {
        return store.rawUsers(List.of(id)).chain(raw -> {
            byte[] state = raw.get(0);
            return store.erase(id, state, state == null ? null : StoredUserCodec.read(state), List.of());
        }).chain(e -> {
            if (e.stale()) {
                if (attempt >= STALE_RETRIES) {
                    return Uni.createFrom().failure(new IllegalStateException("the shopper's state kept changing "
                            + "during the erasure; it stays open and is finished later"));
                }
                return eraseRedis(id, attempt + 1);
            }
            return Uni.combine().all().unis(store.unlinkMatching(keys.seenEventPattern(id)), seeds.forget(id))
                    .asTuple().map(t -> new ErasureReceipt.Removed(0, e.keysDeleted(), t.getItem1(),
                            e.sampleEntries(), e.sumsTouched() ? 1 : 0, 0, 0, 0, t.getItem2()));
        });
    }

    private String toJson(ErasureReceipt.Removed removed) {
        try {
            return json.writeValueAsString(removed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
