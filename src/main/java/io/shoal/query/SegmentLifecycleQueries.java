package io.shoal.query;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.shoal.audit.SafeContext;
import io.shoal.audit.SegmentLifecycleEntity;
import io.smallrye.mutiny.Uni;

/** Read-only queries on {@code segment_lifecycle}: when segments were created and retired. */
@ApplicationScoped
public class SegmentLifecycleQueries {

    /**
     * @param created        first creation event, null if none was recorded
     * @param retired        retirement event, null while live
     * @param weightAtRetire weight recorded with the retirement, null if none
     */
    public record Lifecycle(Instant created, Instant retired, Double weightAtRetire) {
    }

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;

    public SegmentLifecycleQueries(Mutiny.SessionFactory sessions, SafeContext context) {
        this.sessions = sessions;
        this.context = context;
    }

    /** Created/retired instants of the given segments (segments with no rows are absent). */
    public Uni<Map<Long, Lifecycle>> of(Collection<Long> segmentIds) {
        if (segmentIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return context.run(() -> sessions.withSession(session -> session
                .createQuery("from SegmentLifecycleEntity where segmentId in :ids and kind in ('created', 'retired') "
                        + "order by occurredAt, id", SegmentLifecycleEntity.class)
                .setParameter("ids", segmentIds)
                .getResultList()))
                .map(SegmentLifecycleQueries::fold);
    }

    /** The most recently retired segments, newest first, at most {@code limit}. */
    public Uni<List<SegmentLifecycleEntity>> recentlyRetired(int limit) {
        return context.run(() -> sessions.withSession(session -> session
                .createQuery("from SegmentLifecycleEntity where kind = 'retired' order by occurredAt desc, id desc",
                        SegmentLifecycleEntity.class)
                .setMaxResults(limit)
                .getResultList()));
    }

    private static Map<Long, Lifecycle> fold(List<SegmentLifecycleEntity> rows) {
        Map<Long, Lifecycle> out = new HashMap<>();
        for (SegmentLifecycleEntity e : rows) {
            Lifecycle old = out.getOrDefault(e.segmentId, new Lifecycle(null, null, null));
            out.put(e.segmentId, "created".equals(e.kind)
                    ? new Lifecycle(old.created() == null ? e.occurredAt : old.created(), old.retired(),
                            old.weightAtRetire())
                    : new Lifecycle(old.created(), e.occurredAt, e.weight));
        }
        return out;
    }
}
