package io.shoal.query;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.event.Channels;
import io.shoal.event.SegmentChangeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * Fans the {@value Channels#SEGMENT_CHANGES} channel out to live watchers (gRPC streams, SSE). Publishing never
 * waits for a watcher: each has a bounded buffer ({@code shoal.query.watcher-buffer}), and a watcher whose
 * consumer has not requested the events by the time its buffer is full is failed with a
 * {@link BackPressureFailure}, removed and counted in {@code shoal_query_watchers_dropped_total}.
 */
@ApplicationScoped
public class SegmentChangeBroadcaster {

    private record Watcher(MultiEmitter<? super SegmentChangeEvent> emitter, Predicate<SegmentChangeEvent> filter) {
    }

    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final int maxWatchers;
    private final int maxSegments;
    private final Counter refused;
    private final int buffer;
    private final Counter dropped;
    private final Counter published;

    public SegmentChangeBroadcaster(MeterRegistry registry, QueryConfig config) {
        if (config.watcherBuffer() < 1) {
            throw new IllegalArgumentException("shoal.query.watcher-buffer must be >= 1 but was "
                    + config.watcherBuffer());
        }
        this.buffer = config.watcherBuffer();
        this.maxWatchers = config.maxWatchers();
        this.maxSegments = config.maxWatchSegments();
        this.refused = Counter.builder("shoal.query.watchers.refused")
                .description("Segment-change watchers refused because shoal.query.max-watchers were connected")
                .register(registry);
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
     * A live stream of the changes of the given segments (all when the set is empty), starting at subscription.
     * A subscriber that lets more than the buffer pile up gets a {@link BackPressureFailure} and is removed.
     */
    public Multi<SegmentChangeEvent> watch(Set<Long> segmentIds) {
        if (segmentIds.size() > maxSegments) {
            return Multi.createFrom().failure(new InvalidQueryException("segment", "a watch may name at most "
                    + maxSegments + " segments (shoal.query.max-watch-segments) but named " + segmentIds.size()));
        }
        Set<Long> ids = Set.copyOf(segmentIds);
        return watch(ids.isEmpty() ? e -> true : e -> ids.contains(e.segmentId()));
    }

    Multi<SegmentChangeEvent> watch(Predicate<SegmentChangeEvent> filter) {
        return Multi.createFrom().<SegmentChangeEvent>emitter(emitter -> {
            Watcher w = new Watcher(emitter, filter);
            synchronized (watchers) {
                if (watchers.size() >= maxWatchers) {
                    refused.increment();
                    emitter.fail(new WatchLimitException(maxWatchers));
                    return;
                }
                watchers.add(w);
            }
            emitter.onTermination(() -> watchers.remove(w));
        }, BackPressureStrategy.ERROR)
                .onOverflow().buffer(buffer)
                .onFailure(BackPressureFailure.class).invoke(f -> dropped.increment());
    }

    public int watcherCount() {
        return watchers.size();
    }

    public double droppedCount() {
        return dropped.count();
    }

    /** A watch refused because the process serves {@code shoal.query.max-watchers} already. */
    public static final class WatchLimitException extends RuntimeException {
        WatchLimitException(int max) {
            super("this process serves " + max + " live watchers already (shoal.query.max-watchers); try again "
                    + "later or on another instance");
        }
    }
}
