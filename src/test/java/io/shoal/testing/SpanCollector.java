package io.shoal.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * Collects the finished spans of a test run in memory (Quarkus exports to every SpanExporter bean). Only a test
 * profile that switches the SDK on ({@code quarkus.otel.sdk.disabled=false}) produces spans.
 */
public class SpanCollector {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
