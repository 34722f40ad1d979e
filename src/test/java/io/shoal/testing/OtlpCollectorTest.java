package io.shoal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/** The test receiver decodes what an OTLP/HTTP exporter posts: names, ids, parent, links and the process. */
class OtlpCollectorTest {

    @Test
    void keepsTheSpansOfAnExportRequest() throws Exception {
        HexFormat hex = HexFormat.of();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        Span span = Span.newBuilder().setName("shoal.pipeline.batch")
                .setTraceId(ByteString.copyFrom(hex.parseHex(trace)))
                .setSpanId(ByteString.copyFrom(hex.parseHex("00f067aa0ba902b7")))
                .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(hex.parseHex(trace)))
                        .setSpanId(ByteString.copyFrom(hex.parseHex("1111111111111111"))))
                .build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
                ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                        .setKey("shoal.process").setValue(AnyValue.newBuilder().setStringValue("worker"))))
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
        try (OtlpCollector collector = new OtlpCollector()) {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(collector.endpoint() + "/v1/traces")).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(collector.spans()).singleElement().satisfies(s -> {
                assertThat(s.process()).isEqualTo("worker");
                assertThat(s.name()).isEqualTo("shoal.pipeline.batch");
                assertThat(s.traceId()).isEqualTo(trace);
                assertThat(s.parentSpanId()).isEmpty();
                assertThat(s.linkedSpanIds()).containsExactly("1111111111111111");
            });
        }
    }
}
