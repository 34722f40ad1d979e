package io.shoal.segmenting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.shoal.audit.AuditRows;
import io.shoal.audit.SegmentMove;
import io.shoal.config.SegmentationConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventType;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.pipeline.BatchStage;
import io.shoal.pipeline.ConflictException;
import io.shoal.pipeline.MicroBatch;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.SegmentStore;
import io.shoal.store.SegmentStore.MergeWrite;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;

/**
 * Identity merge: applies a batch's {@code identify} events ({@code previousId} is {@code userId} from now on), before
 * the segmentation stage applies its behaviour events. Per merge, one Redis load and one atomic script
 * (merge_identity.lua): the profiles merge and the shopper is decided again ({@link
 * io.shoal.segmentation.SegmentationEngine#merge}), the merged-away shopper's state goes, the link
 * {@code previousId → userId} is written, and the audit outbox gets the move (reason {@code identity-merge}) and
 * the link row (PostgreSQL {@code identity_link}, which links the history rows of both).
 *
 * <h2>Exactly once, in order</h2>
 * The link is the merge's idempotency marker: a redelivered or repeated identify finds it and changes nothing. An
 * identify travels in its previous shopper's log order ({@link BehaviorEvent#orderingKey}): that shopper's earlier
 * events are in its profile when it merges; its later ones, and any that a concurrent batch planned before the merge,
 * are redirected by the segmentation stage through the link (a concurrent plan made on the removed state is stale).
 * Links are one hop: merging into a shopper that was itself merged away merges into its target.
 */
@ApplicationScoped
public class IdentityMergeStage implements BatchStage {

    /** The audit reason of a move caused by a merge. */
    public static final String REASON = "identity-merge";
    /** Retargeting steps of one merge (each when the target turned out to be merged away meanwhile). */
    static final int MAX_REDIRECTS = 8;

    private final SegmentStore store;
    private final SegmentWriter writer;
    private final SegmentModelManager manager;
    private final SegmentationConfig config;
    private final Counter merged;
    private final Counter repeated;

    public IdentityMergeStage(SegmentStore store, SegmentWriter writer, SegmentModelManager manager,
            SegmentationConfig config, MeterRegistry registry) {
        this.store = store;
        this.writer = writer;
        this.manager = manager;
        this.config = config;
        this.merged = Counter.builder("shoal.identity.merges").tag("outcome", "merged")
                .description("Identity merges, by outcome").register(registry);
        this.repeated = Counter.builder("shoal.identity.merges").tag("outcome", "already-linked")
                .description("Identity merges, by outcome").register(registry);
    }

    @Override
    public int order() {
        return 150;
    }

    @Override
    public String name() {
        return "identity-merge";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, BehaviorEvent> merges = new LinkedHashMap<>();
        for (BehaviorEvent e : batch.events()) {
            if (e.type() == EventType.IDENTIFY) {
                merges.putIfAbsent(e.previousId() + '\u0000' + e.userId(), e);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (BehaviorEvent e : merges.values()) {
            chain = chain.chain(() -> merge(e.previousId(), e.userId(), e.occurredAt(), e.eventId(), 0));
        }
        return chain;
    }

    private Uni<Void> merge(String previous, String into, Instant at, String eventId, int redirects) {
        if (previous.equals(into) || redirects > MAX_REDIRECTS) {
            if (redirects > MAX_REDIRECTS) {
                Log.warnf("Identity merge %s: gave up following the links of its target after %d steps", eventId,
                        redirects);
            }
            return Uni.createFrom().voidItem();
        }
        return store.load(List.of(previous, into)).chain(loaded -> {
            Planned planned = plan(loaded, previous, into, at, eventId);
            return store.merge(planned.write()).chain(result -> switch (result.outcome()) {
                case "merged" -> {
                    merged.increment();
                    writer.published(planned.moves().size(), planned.events());
                    yield Uni.createFrom().voidItem();
                }
                case "linked" -> {
                    repeated.increment();
                    if (!result.target().equals(into)) {
                        Log.debugf("Identity merge %s: the previous shopper is already linked to another one; "
                                + "the first link stands", eventId);
                    }
                    yield Uni.createFrom().voidItem();
                }
                case "redirect" -> merge(previous, result.target(), at, eventId, redirects + 1);
                default -> throw new ConflictException("what identity merge " + eventId + " was planned on changed "
                        + "meanwhile (" + result.target() + "); it will be planned again");
            });
        });
    }

    /** A merge as planned: the write, and the moves and change events it publishes once applied. */
    private record Planned(MergeWrite write, List<SegmentMove> moves, List<SegmentChangeEvent> events) {
    }

    private Planned plan(SegmentStore.Loaded loaded, String previous, String into, Instant at, String eventId) {
        SegmentModel model = loaded.model();
        long version = model == null ? 0 : model.version();
        StoredUser from = loaded.users().get(previous);
        StoredUser target = loaded.users().get(into);
        UserOutcome o = manager.engine().merge(model, into, state(target), state(from));
        List<SegmentMove> moves = new ArrayList<>(1);
        List<SegmentChangeEvent> events = new ArrayList<>(3);
        Map<Long, Long> sizes = new HashMap<>();
        if (from != null && from.segmentId() != null) {
            sizes.merge(from.segmentId(), -1L, Long::sum);
            // The merged-away shopper exits with the scores of its last decision.
            events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.EXITED, from.segmentId(), previous,
                    o.segmentId(), at, version, REASON, from.similarity(), from.margin()));
        }
        if (model != null) {
            writer.collectChange(o, model, REASON, moves, events, sizes);
        }
        String link = AuditRows.linkRow(new AuditRows.IdentityLink(previous, into, at,
                from == null ? null : from.segmentId(), version));
        boolean bothProfiled = from != null && from.profile() != null && target != null && target.profile() != null;
        MergeWrite write = new MergeWrite("merge-" + eventId, previous, into, model == null ? 0 : model.generation(),
                loaded.digests().getOrDefault(previous, ""), loaded.digests().getOrDefault(into, ""),
                o.profile() == null ? null : writer.record(o, model, target), sizes, AuditRows.rows(moves), link,
                bothProfiled, o.profile() == null ? null : o.profile().vector(), config.sampleSize());
        return new Planned(write, moves, events);
    }

    private static UserState state(StoredUser s) {
        return s == null ? UserState.NEW : new UserState(s.profile(), s.segmentId(), s.sinceMillis());
    }
}
