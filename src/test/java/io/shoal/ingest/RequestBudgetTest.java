package io.shoal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.shoal.config.IngestConfig;
import io.smallrye.mutiny.Uni;

/** The request budget's rule, without HTTP: what fits, what is refused, and that every admitted byte comes back. */
class RequestBudgetTest {

    private static RequestBudget budget(long bytes) {
        IngestConfig config = new IngestConfig() {
            @Override public int maxEventsPerRequest() { return 1000; }
            @Override public int maxInFlight() { return 1000; }
            @Override public MemorySize maxInFlightBytes() { return new MemorySize(java.math.BigInteger.valueOf(1 << 20)); }
            @Override public MemorySize maxPendingRequestBytes() { return new MemorySize(java.math.BigInteger.valueOf(bytes)); }
            @Override public int retryAfterSeconds() { return 2; }
            @Override public Duration maxFutureSkew() { return Duration.ofMinutes(5); }
            @Override public Instant earliestOccurredAt() { return Instant.EPOCH; }
            @Override public Duration publishTimeout() { return Duration.ofSeconds(10); }
            @Override public Duration kafkaPendingTtl() { return Duration.ofMinutes(5); }
            @Override public Duration dedupTtl() { return Duration.ofHours(24); }
        };
        return new RequestBudget(config, new SimpleMeterRegistry());
    }

    @Test
    void requestsFitUpToTheCapacityAndOneAloneAlwaysFits() {
        RequestBudget b = budget(1000);
        assertThat(b.tryAcquire(5000)).as("alone, larger than the budget").isTrue();
        assertThat(b.tryAcquire(1)).as("beside it, nothing").isFalse();
        b.release(5000);
        assertThat(b.tryAcquire(600)).isTrue();
        assertThat(b.tryAcquire(400)).as("exactly full").isTrue();
        assertThat(b.tryAcquire(1)).isFalse();
        b.release(400);
        assertThat(b.tryAcquire(401)).isFalse();
        assertThat(b.tryAcquire(400)).isTrue();
        assertThat(b.pending()).isEqualTo(1000);
    }

    @Test
    void withinAnswers503WithRetryAfterAndReleasesWhateverTheWorkDid() {
        RequestBudget b = budget(1000);
        Response ok = b.within(800, () -> {
            assertThat(b.pending()).isEqualTo(800);
            return Uni.createFrom().item(Response.accepted().build());
        }, m -> m).await().indefinitely();
        assertThat(ok.getStatus()).isEqualTo(202);
        assertThat(b.pending()).isZero();

        assertThat(b.tryAcquire(900)).isTrue();
        Response busy = b.within(200, () -> Uni.createFrom().item(Response.accepted().build()), m -> Optional.of(m))
                .await().indefinitely();
        assertThat(busy.getStatus()).isEqualTo(503);
        assertThat(busy.getHeaderString("Retry-After")).isEqualTo("2");
        assertThat(busy.getEntity()).isEqualTo(Optional.of(
                "nothing was accepted: the service is busy (900 of 1000 bytes of requests being worked on)"));
        b.release(900);

        assertThatThrownBy(() -> b.within(300, () -> Uni.createFrom().<Response>failure(new IllegalStateException(
                "redis down")), m -> m).await().indefinitely()).hasMessageContaining("redis down");
        assertThat(b.pending()).as("a failed request gives its bytes back").isZero();
        assertThatThrownBy(() -> b.within(300, () -> {
            throw new IllegalArgumentException("bad");
        }, m -> m)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.pending()).as("so does one whose work could not start").isZero();
    }
}
