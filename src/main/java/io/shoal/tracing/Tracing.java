package io.shoal.tracing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;

/**
 * Shoal's own spans (OpenTelemetry API; the SDK, its exporter and sampler are Quarkus's, off unless
 * {@code quarkus.otel.sdk.disabled=false}, see README, Traces). One accepted request is one trace:
 * {@code POST /v1/events} → {@value #VALIDATE} → {@value #ACCEPT} (role all: dedup, admission and the durable append
 * in one Redis script) or {@value #DEDUP} + {@value #PUBLISH} (role ingest: the Kafka send). The request's context
 * travels with its events as a W3C {@code traceparent}: a field of the event-log entry, a Kafka record header. A
 * micro-batch holds events of many requests, so {@value #BATCH} starts its own trace with a <i>link</i> to each
 * request it holds (OpenTelemetry's rule for batch consumers); its children are {@value #EMBED} (cache hits, model
 * time), {@value #UPDATE} (the engine's plan and the atomic Redis write) and, when the batch moved shoppers,
 * {@value #AUDIT} (the outbox entry carries the batch's context to the relay that writes PostgreSQL).
 * <p>
 * With the SDK off every span here is a no-op and no {@code traceparent} is stored or sent.
 */
@ApplicationScoped
public class Tracing {

    public static final String VALIDATE = "shoal.ingest.validate";
    public static final String ACCEPT = "shoal.ingest.accept";
    public static final String DEDUP = "shoal.ingest.dedup";
    public static final String PUBLISH = "shoal.ingest.publish";
    public static final String BATCH = "shoal.pipeline.batch";
    public static final String EMBED = "shoal.embed";
    public static final String UPDATE = "shoal.segment.update";
    public static final String AUDIT = "shoal.audit.write";
    /** The W3C Trace Context field name, used as event-log field and Kafka header. */
    public static final String TRACEPARENT = "traceparent";
    /** The field of a Redis Stream entry (event log, audit outbox) that holds a {@code traceparent}. */
    public static final String TRACEPARENT_FIELD = "t";
    /** OpenTelemetry's default limit of links per span; a bigger batch links its first requests. */
    static final int MAX_LINKS = 128;

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    @Inject
    public Tracing(OpenTelemetry otel) {
        this(otel.getTracer("io.shoal"));
    }

    public Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** No spans at all (tests and tools without CDI). */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop());
    }

    /** A span under {@code parent} (null: the current context). */
    public Span start(String name, Context parent) {
        return tracer.spanBuilder(name).setParent(parent == null ? Context.current() : parent).startSpan();
    }

    /**
     * A consumer span that starts a trace of its own, linked to the contexts the {@code traceparents} name (invalid
     * or missing ones are skipped; at most {@value #MAX_LINKS}).
     */
    public Span startLinked(String name, Collection<String> traceparents) {
        SpanBuilder b = tracer.spanBuilder(name).setNoParent().setSpanKind(SpanKind.CONSUMER);
        int links = 0;
        for (String tp : traceparents) {
            SpanContext sc = Span.fromContext(context(tp)).getSpanContext();
            if (sc.isValid() && links < MAX_LINKS) {
                b.addLink(sc);
                links++;
            }
        }
        return b.setAttribute("shoal.links", links).startSpan();
    }

    /** Ends {@code span} when {@code work} ends, marking it failed with the failure. */
    public static <T> Uni<T> ending(Span span, Uni<T> work) {
        return work.onTermination().invoke((item, failure, cancelled) -> {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            } else if (cancelled) {
                span.setAttribute("shoal.cancelled", true);
            }
            span.end();
        });
    }

    /** The W3C {@code traceparent} of the span in {@code context}, or null when there is no valid one. */
    public static String traceparent(Context context) {
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The W3C {@code traceparent} of {@code span}, or null when it is not a valid (recorded or propagated) one. */
    public static String traceparent(Span span) {
        return span.getSpanContext().isValid() ? traceparent(Context.root().with(span)) : null;
    }

    /** The context a {@code traceparent} names (the root context when null or malformed). */
    public static Context context(String traceparent) {
        if (traceparent == null || traceparent.isEmpty()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceparent),
                MAP_GETTER);
    }
}
