package io.shoal.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of cold texts waiting beside the log ({@link ColdHold}), one pair for the process whichever batch
 * source waits (the event log consumer of the role all, the worker's Kafka consumer).
 */
@ApplicationScoped
public class ColdWaitMeters {

    private final Counter waits;
    private final List<IntSupplier> sources = new CopyOnWriteArrayList<>();

    public ColdWaitMeters(MeterRegistry registry) {
        this.waits = Counter.builder("shoal.pipeline.cold.waits")
                .description("Events that waited beside the log for their text's vector (or behind such an event of "
                        + "their shopper) while other shoppers' events were applied")
                .register(registry);
        Gauge.builder("shoal.pipeline.cold.waiting", this, ColdWaitMeters::waitingNow)
                .description("Events waiting beside the log now").register(registry);
    }

    /** A source whose waiting events the gauge adds up. */
    public void register(IntSupplier waitingNow) {
        sources.add(waitingNow);
    }

    /** Events that started to wait. */
    public void waited(long events) {
        waits.increment(events);
    }

    private double waitingNow() {
        int n = 0;
        for (IntSupplier s : sources) {
            n += s.getAsInt();
        }
        return n;
    }
}
