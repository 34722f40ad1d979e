package io.shoal.query;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.pipeline.Channels;
import io.shoal.pipeline.SegmentChangeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * Fans the {@value Channels#SEGMENT_CHANGES} channel out to live watchers (gRPC streams, SSE). Each watcher has a
 * bounded buffer; a watcher that falls behind by more than that is dropped (and counted) instead of holding up the
 * pipeline.
 */
@ApplicationScoped
public class SegmentChangeBroadcaster {

    /** Events a slow watcher may lag behind before it is dropped. */
    static final int WATCHER_BUFFER = 1024;

    private record Watcher(MultiEmitter<? super SegmentChangeEvent> emitter, Predicate<SegmentChangeEvent> filter) {
    }

    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Counter published;

    public SegmentChangeBroadcaster(MeterRegistry registry) {
        this.dropped = Counter.builder("shoal.query.watchers.dropped")
                .description("Segment-change watchers dropped because they fell behind").register(registry);
        this.published = Counter.builder("shoal.segment.changes")
                .description("Segment entered/exited events published").register(registry);
        Gauge.builder("shoal.query.watchers", watchers, Set::size).description("Live segment-change watchers")
                .register(registry);
    }

    @Incoming(Channels.SEGMENT_CHANGES)
    public void publish(SegmentChangeEvent event) {
        published.increment();
        for (Watcher w : watchers) {
            if (w.filter().test(event)) {
                w.emitter().emit(event);
            }
        }
    }

    /**
     * A live stream of changes that pass the filter, starting now. The buffer is bounded: a subscriber that does
     * not keep up gets a failure and is removed.
     */
    public Multi<SegmentChangeEvent> watch(Predicate<SegmentChangeEvent> filter) {
        return Multi.createFrom().<SegmentChangeEvent>emitter(emitter -> {
            Watcher w = new Watcher(emitter, filter);
            watchers.add(w);
            emitter.onTermination(() -> watchers.remove(w));
        }, io.smallrye.mutiny.subscription.BackPressureStrategy.ERROR)
                .onOverflow().buffer(WATCHER_BUFFER)
                .onFailure().invoke(f -> dropped.increment());
    }

    public int watcherCount() {
        return watchers.size();
    }
}
