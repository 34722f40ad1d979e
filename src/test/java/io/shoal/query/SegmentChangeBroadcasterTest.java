package io.shoal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shoal.event.SegmentChangeEvent;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.BackPressureFailure;

class SegmentChangeBroadcasterTest {

    private static QueryConfig config(int buffer) {
        return config(buffer, 1000, 100);
    }

    private static QueryConfig config(int buffer, int maxWatchers, int maxSegments) {
        return new QueryConfig() {
            public int maxWatchers() {
                return maxWatchers;
            }

            public int maxWatchSegments() {
                return maxSegments;
            }

            public int maxUserIdLength() {
                return 128;
            }

            public int maxBatchSize() {
                return 1000;
            }

            public int defaultPageSize() {
                return 50;
            }

            public int maxPageSize() {
                return 500;
            }

            public Duration descriptionTtl() {
                return Duration.ofSeconds(5);
            }

            public long descriptionMaxVersionLag() {
                return 100;
            }

            public int descriptionTexts() {
                return 10;
            }

            public int labelWords() {
                return 3;
            }

            public int maxRetiredListed() {
                return 100;
            }

            public int watcherBuffer() {
                return buffer;
            }
        };
    }

    private static SegmentChangeEvent entered(long segment, String user) {
        return new SegmentChangeEvent(SegmentChangeEvent.Kind.ENTERED, segment, user, null, Instant.EPOCH, 1,
                "assigned", 0.9, 0.2);
    }

    @Test
    void watchersAndFilterSizesAreCapped() {
        SegmentChangeBroadcaster b = new SegmentChangeBroadcaster(new SimpleMeterRegistry(), config(4, 2, 3));
        AssertSubscriber<SegmentChangeEvent> first = b.watch(Set.of()).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        b.watch(Set.of(1L)).subscribe().withSubscriber(AssertSubscriber.create(10));
        b.watch(Set.of()).subscribe().withSubscriber(AssertSubscriber.create(10))
                .assertFailedWith(SegmentChangeBroadcaster.WatchLimitException.class, "max-watchers");
        assertThat(b.watcherCount()).isEqualTo(2);
        first.cancel();
        b.watch(Set.of()).subscribe().withSubscriber(AssertSubscriber.create(10)).assertNotTerminated();
        assertThat(b.watcherCount()).isEqualTo(2);
        b.watch(Set.of(1L, 2L, 3L, 4L)).subscribe().withSubscriber(AssertSubscriber.create(10))
                .assertFailedWith(InvalidQueryException.class, "at most 3 segments");
    }

    @Test
    void slowWatcherIsDroppedAndCountedWhileAFastOneGetsEverything() {
        SegmentChangeBroadcaster b = new SegmentChangeBroadcaster(new SimpleMeterRegistry(), config(4));
        AssertSubscriber<SegmentChangeEvent> slow = b.watch(Set.of()).subscribe()
                .withSubscriber(AssertSubscriber.create(0));
        AssertSubscriber<SegmentChangeEvent> fast = b.watch(Set.of()).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < 10; i++) {
            b.publish(entered(1, "u" + i));
        }
        slow.assertFailedWith(BackPressureFailure.class);
        assertThat(b.droppedCount()).isEqualTo(1.0);
        assertThat(fast.getItems()).hasSize(10);
        assertThat(b.watcherCount()).isEqualTo(1);
        fast.cancel();
        assertThat(b.watcherCount()).isZero();
    }

    @Test
    void watcherSeesOnlyItsSegments() {
        SegmentChangeBroadcaster b = new SegmentChangeBroadcaster(new SimpleMeterRegistry(), config(16));
        AssertSubscriber<SegmentChangeEvent> two = b.watch(Set.of(2L)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        b.publish(entered(1, "a"));
        b.publish(entered(2, "b"));
        b.publish(entered(3, "c"));
        assertThat(two.getItems()).extracting(SegmentChangeEvent::userId).containsExactly("b");
        assertThat(Optional.of(b.droppedCount())).contains(0.0);
    }
}
