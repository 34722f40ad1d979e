package io.shoal.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoal.store.SegmentStore;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * One event's traces end to end in the all-in-one role, with the SDK on and spans collected in memory: the request's
 * trace (the caller's traceparent is honoured) holds validation and the durable hand-off; the micro-batch that
 * applied the event starts its own trace linked to the hand-off, with the embedding (cache counts, model time), the
 * engine update and the audit write of the shopper's first segment as its children.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class TracingTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms",
                    "shoal.segmentation.k", "2",
                    // >= 10: this profile's config is still visible to plain tests that read it later (the
                    // evaluation's engine settings with k = 10)
                    "shoal.segmentation.bootstrap-profiles", "12",
                    "shoal.segmentation.min-dwell", "0s");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Inject
    SegmentStore store;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private static Map<String, Object> event(String id, String user, String text, String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", id);
        e.put("userId", user);
        e.put("type", type);
        e.put("text", text);
        e.put("occurredAt", Instant.now().minusSeconds(60).toString());
        return e;
    }

    private List<SpanData> trace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static Optional<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst();
    }

    @Test
    void oneEventsSpansFromTheRequestThroughTheBatchToTheAuditWrite() {
        // A model first (the traced shopper then enters a segment, which is audited).
        Map<String, List<String>> texts = RetailTexts.byKeyword("CAKE", "CANDLE");
        List<Map<String, Object>> warmUp = new ArrayList<>();
        for (int u = 0; u < 16; u++) {
            List<String> pool = texts.get(u % 2 == 0 ? "CAKE" : "CANDLE");
            for (int i = 0; i < 3; i++) {
                warmUp.add(event(run + "-w" + u + "-" + i, run + "-warm-" + u, pool.get(i), "view"));
            }
        }
        given().contentType(ContentType.JSON).body(warmUp).post("/v1/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.model().await().atMost(Duration.ofSeconds(5)) != null);

        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        String user = run + "-traced";
        given().contentType(ContentType.JSON).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .body(List.of(event(run + "-t1", user, texts.get("CAKE").get(0), "purchase")))
                .post("/v1/events").then().statusCode(202);

        // The request's trace: server span under the caller's, validation and the hand-off under the server span.
        await().atMost(Duration.ofSeconds(30)).until(() -> named(trace(traceId), Tracing.ACCEPT).isPresent());
        List<SpanData> request = trace(traceId);
        SpanData server = request.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
        assertThat(server.getName()).contains("/v1/events");
        SpanData validate = named(request, Tracing.VALIDATE).orElseThrow();
        SpanData accept = named(request, Tracing.ACCEPT).orElseThrow();
        assertThat(validate.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(accept.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(accept.getAttributes().asMap().toString()).contains("shoal.admitted=true");

        // The batch that applied it: its own trace, linked to the hand-off.
        await().atMost(Duration.ofSeconds(30)).until(() -> batchLinkedTo(accept).isPresent());
        SpanData batch = batchLinkedTo(accept).orElseThrow();
        assertThat(batch.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(batch.getTraceId()).isNotEqualTo(traceId);

        await().atMost(Duration.ofSeconds(30)).until(() -> named(trace(batch.getTraceId()), Tracing.AUDIT).isPresent());
        List<SpanData> applied = trace(batch.getTraceId());
        SpanData embed = named(applied, Tracing.EMBED).orElseThrow();
        SpanData update = named(applied, Tracing.UPDATE).orElseThrow();
        SpanData audit = named(applied, Tracing.AUDIT).orElseThrow();
        assertThat(List.of(embed, update, audit)).allSatisfy(s -> assertThat(s.getParentSpanId())
                .isEqualTo(batch.getSpanId()));
        Map<String, Object> embedAttributes = new LinkedHashMap<>();
        embed.getAttributes().forEach((k, v) -> embedAttributes.put(k.getKey(), v));
        assertThat(embedAttributes).containsKeys("shoal.embed.cache.local_hits", "shoal.embed.cache.redis_hits",
                "shoal.embed.model.texts", "shoal.embed.model.ms");
        assertThat(((Number) embedAttributes.get("shoal.embed.texts")).longValue()).isPositive();
        assertThat(update.getEndEpochNanos()).isLessThanOrEqualTo(batch.getEndEpochNanos());
        assertThat(audit.getAttributes().asMap().toString()).contains("shoal.audit.written=true");
    }

    private Optional<SpanData> batchLinkedTo(SpanData accept) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(Tracing.BATCH))
                .filter(s -> s.getLinks().stream().map(LinkData::getSpanContext)
                        .anyMatch(c -> c.getSpanId().equals(accept.getSpanId())
                                && c.getTraceId().equals(accept.getTraceId())))
                .findFirst();
    }
}
