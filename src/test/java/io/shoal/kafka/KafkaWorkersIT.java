package io.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.shoal.testing.AppliedOnce;
import io.shoal.testing.EventFeeder;
import io.shoal.testing.OtlpCollector;
import io.shoal.deploy.ObservabilityAssets;
import io.shoal.tracing.Tracing;
import io.shoal.testing.RedisCleaner;
import io.shoal.testing.ShoalProcess;
import io.shoal.testing.ShoalTestResources;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The ingest and worker roles as real processes from the packaged jar, against a real Kafka broker (see
 * {@link KafkaTestBroker}): an ingest process publishes what clients post, worker processes in one consumer group
 * apply it. Each test has its own topics, consumer group, database and Redis key prefix.
 * <p>
 * "Nothing lost, nothing applied twice" is read from what the stages wrote: the pipeline's {@code events} total and
 * every user's activity counters must equal what was posted exactly, and every user's segmentation position must
 * be the offset of that user's last event in the topic.
 */
class KafkaWorkersIT {

    private static final int USERS = 40;
    private static final int EVENTS_PER_USER = 50;
    private static final int TOTAL = USERS * EVENTS_PER_USER;
    private static final int PARTITIONS = 6;
    private static final String[] TEXTS = { "glass star frosted t-light holder", "white hanging heart t-light holder",
            "red retrospot cake stand", "set of 3 cake tins pantry design", "jumbo bag red retrospot",
            "pack of 72 retrospot cake cases", "assorted colour bird ornament", "regency cakestand 3 tier" };
    private static final String[] TYPES = { "view", "view", "cart", "purchase", "wishlist" };

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "shoal_it_" + run;
    private final String prefix = "shoal-it-" + run + ":";
    private final String events = "it-" + run + ".behavior-events";
    private final String deadLetters = events + ".dlq";
    private final String changes = "it-" + run + ".segment-changes";
    private final List<ShoalProcess> processes = new ArrayList<>();
    private String bootstrap;

    @BeforeEach
    void setUp() throws Exception {
        bootstrap = KafkaTestBroker.bootstrapServers();
        KafkaTestBroker.createTopics(bootstrap, PARTITIONS, events, deadLetters, changes);
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (ShoalProcess p : processes) {
            p.close();
        }
        if (bootstrap == null) {
            return;
        }
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        RedisCleaner.deleteByPrefix(ShoalTestResources.REDIS_URL, prefix);
        KafkaTestBroker.deleteTopics(bootstrap, events, deadLetters, changes);
    }

    @Test
    void twoWorkersShareTheStreamAndApplyEveryEventOnce() throws Exception {
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        // A model after 20 profiles (of 40), so that the workers publish segment changes.
        ShoalProcess first = start("worker", "worker-1", List.of("-Dshoal.segmentation.bootstrap-profiles=20"));
        ShoalProcess second = start("worker", "worker-2", List.of("-Dshoal.segmentation.bootstrap-profiles=20"));
        for (ShoalProcess p : processes) {
            p.awaitReady();
        }
        KafkaTestBroker.send(bootstrap, events, "poison", "{not an event".getBytes(StandardCharsets.UTF_8));

        postAll(ingest, 0, EVENTS_PER_USER);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> stat("events") >= TOTAL);
        assertEverythingAppliedOnce();
        assertThat(first.metric("shoal_pipeline_events_total")).as("worker-1 processed a share").isPositive();
        assertThat(second.metric("shoal_pipeline_events_total")).as("worker-2 processed a share").isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> first.metric("shoal_kafka_dead_letters_total")
                + second.metric("shoal_kafka_dead_letters_total") == 1);
        List<ConsumerRecord<String, byte[]>> dead = KafkaTestBroker.readAll(bootstrap, deadLetters);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("poison");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{not an event");
        });
        // Segment changes are CloudEvents (binary mode): the change as JSON, the attributes as ce_* headers.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> !KafkaTestBroker.readAll(bootstrap, changes).isEmpty());
        for (ConsumerRecord<String, byte[]> r : KafkaTestBroker.readAll(bootstrap, changes)) {
            com.fasterxml.jackson.databind.JsonNode change = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(r.value());
            String kind = change.get("kind").asText().toLowerCase(java.util.Locale.ROOT);
            assertThat(header(r, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(r, "ce_type")).isEqualTo("io.shoal.segment." + kind);
            assertThat(header(r, "ce_source")).isEqualTo("/shoal/segments/" + change.get("segmentId").asLong());
            assertThat(header(r, "ce_id")).hasSize(32);
            assertThat(header(r, "ce_time")).isNotBlank();
            assertThat(header(r, "ce_shoalreason")).isEqualTo(change.get("reason").asText());
            if (!kind.equals("lineage")) {
                assertThat(header(r, "ce_subject")).isEqualTo(change.get("userId").asText());
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Traces across the Kafka roles: the processes export over OTLP to a receiver in this JVM. The ingest pod's
     * request trace (under the caller's traceparent) holds validation, the dedup mark and the Kafka send; the
     * record's traceparent header brings that context to the worker, whose batch span links to the send and holds
     * the embedding and the engine update.
     */
    @Test
    void oneEventIsTracedFromTheIngestPodAcrossKafkaToTheWorkersBatch() throws Exception {
        try (OtlpCollector collector = new OtlpCollector()) {
            ShoalProcess ingest = start("ingest", "ingest", tracingTo(collector, "ingest"));
            ShoalProcess worker = start("worker", "worker", tracingTo(collector, "worker"));
            ingest.awaitReady();
            worker.awaitReady();
            String traceId = UUID.randomUUID().toString().replace("-", "");
            HttpResponse<String> r = ingest.post("/v1/events", "[{\"eventId\":\"" + run + "-traced\",\"userId\":"
                    + "\"traced\",\"type\":\"purchase\",\"text\":\"" + TEXTS[2] + "\"}]",
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

            // The request's server span ends after its children, so it may come in a later export batch: wait for
            // it too.
            await().atMost(Duration.ofSeconds(60)).until(() -> span(collector, "ingest", Tracing.PUBLISH, traceId)
                    .map(p -> collector.spans().stream().anyMatch(s -> s.spanId().equals(p.parentSpanId())))
                    .orElse(false) && span(collector, "ingest", Tracing.VALIDATE, traceId).isPresent()
                    && span(collector, "ingest", Tracing.DEDUP, traceId).isPresent());
            OtlpCollector.Span publish = span(collector, "ingest", Tracing.PUBLISH, traceId).orElseThrow();
            OtlpCollector.Span validate = span(collector, "ingest", Tracing.VALIDATE, traceId).orElseThrow();
            OtlpCollector.Span dedup = span(collector, "ingest", Tracing.DEDUP, traceId).orElseThrow();
            assertThat(List.of(validate.parentSpanId(), dedup.parentSpanId())).containsOnly(publish.parentSpanId());
            OtlpCollector.Span server = collector.spans().stream()
                    .filter(s -> s.spanId().equals(publish.parentSpanId())).findFirst().orElseThrow();
            assertThat(server.parentSpanId()).isEqualTo("00f067aa0ba902b7");

            await().atMost(Duration.ofSeconds(120)).until(() -> batchLinkedTo(collector, publish).isPresent()
                    && span(collector, "worker", Tracing.UPDATE, batchLinkedTo(collector, publish).get().traceId())
                            .isPresent());
            OtlpCollector.Span batch = batchLinkedTo(collector, publish).orElseThrow();
            assertThat(batch.process()).isEqualTo("worker");
            OtlpCollector.Span embed = span(collector, "worker", Tracing.EMBED, batch.traceId()).orElseThrow();
            OtlpCollector.Span update = span(collector, "worker", Tracing.UPDATE, batch.traceId()).orElseThrow();
            assertThat(List.of(embed.parentSpanId(), update.parentSpanId())).containsOnly(batch.spanId());

            // The worker-only metric the chart's rules and dashboard read (the rest: MetricsContractTest).
            assertThat(ObservabilityAssets.exported(worker.scrape())).contains("shoal_kafka_dead_letters_total");
        }
    }

    /**
     * Segment messages through the Kafka roles: the identify travels in the anonymous shopper's partition (its key),
     * so the worker merges the anonymous profile after that shopper's earlier events and redirects its later ones.
     */
    @Test
    void anIdentifyFromTheTrackingEndpointsMergesTheAnonymousShopperInTheWorker() throws Exception {
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        ShoalProcess worker = start("worker", "worker", List.of());
        ingest.awaitReady();
        worker.awaitReady();
        String visitor = "a-" + run;
        String anonymous = "anonymous:" + visitor;
        String known = "k-" + run;
        StringBuilder views = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 3; i++) {
            views.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"")
                    .append(visitor).append("\",\"messageId\":\"").append(run).append("-v").append(i)
                    .append("\",\"properties\":{\"name\":\"").append(TEXTS[i]).append("\"}}");
        }
        assertThat(ingest.post("/v1/batch", views.append("]}").toString()).statusCode()).isEqualTo(200);
        HttpResponse<String> identify = ingest.post("/v1/identify", "{\"userId\":\"" + known + "\",\"anonymousId\":\""
                + visitor + "\",\"messageId\":\"" + run + "-id\"}");
        assertThat(identify.statusCode()).as(identify.body()).isEqualTo(200);
        HttpResponse<String> later = ingest.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":"
                + "\"Product Viewed\",\"anonymousId\":\"" + visitor + "\",\"messageId\":\"" + run + "-v9\","
                + "\"properties\":{\"name\":\"" + TEXTS[4] + "\"}},{\"type\":\"track\",\"event\":\"Order Completed\","
                + "\"userId\":\"" + known + "\",\"messageId\":\"" + run + "-o\",\"properties\":{\"products\":"
                + "[{\"product_id\":\"22423\",\"name\":\"" + TEXTS[7] + "\"}]}}]}");
        assertThat(later.body()).contains("\"accepted\":2");

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> stat("events") >= 5 && known.equals(get(prefix + "link:" + anonymous)));
        assertThat(get(prefix + "u:" + anonymous)).as("merged away, and its later event went to the known shopper")
                .isNull();
        assertThat(get(prefix + "u:" + known)).isNotNull();
        assertThat(hget(prefix + "user:" + anonymous + ":activity", "total")).isEqualTo(4);
        assertThat(hget(prefix + "user:" + known + ":activity", "total")).isEqualTo(1);
        ConsumerRecord<String, byte[]> link = KafkaTestBroker.readAll(bootstrap, events).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"previousId\"")).findFirst()
                .orElseThrow();
        assertThat(link.key()).as("the identify is keyed by the shopper it merges away").isEqualTo(anonymous);
        assertThat(worker.metric("shoal_identity_merges_total")).isEqualTo(1);
    }

    /**
     * Cold texts in the worker role: one shopper's never-seen titles wait beside the topic (their batches
     * unacknowledged) while a later event of another shopper in the same partition is applied; then they are applied
     * in order. Without the waiting, the worker applies a partition's events in order, so the other shopper's event
     * would come after every one of the cold shopper's events.
     */
    @Test
    void aShoppersColdTextsDoNotHoldBackAnotherShoppersLaterEventInTheWorker() throws Exception {
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        ShoalProcess worker = start("worker", "worker", List.of());
        ingest.awaitReady();
        worker.awaitReady();
        String cold = "cold-" + run;
        String warm = warmShopperBeside(ingest, cold);

        // 400 titles nobody has seen (long ones: each costs the model a full sequence), then the warm shopper's event.
        int coldEvents = 400;
        postColdTitles(ingest, cold, coldEvents);
        post(ingest, "[" + event(run + "-w1", warm, TEXTS[0]) + "]", 1);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> hget(prefix + "user:" + warm + ":activity", "total") == 2);
        long coldApplied = hget(prefix + "user:" + cold + ":activity", "total");
        assertThat(coldApplied).as("the cold shopper's events still waiting when the later warm event was applied")
                .isLessThan(coldEvents);
        assertThat(worker.metric("shoal_pipeline_cold_waits_total")).isPositive();

        // Then every cold event, in order (the activity counter skips an event at or below the last it counted, so
        // one applied out of order would leave the total short), and the batches are acknowledged: committed.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> hget(prefix + "user:" + cold + ":activity", "total") == coldEvents);
        assertThat(worker.scrape()).contains("shoal_pipeline_cold_waiting ");
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.metric("shoal_pipeline_cold_waiting") == 0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> KafkaTestBroker.committedLag(bootstrap, "shoal-workers-" + run, events) == 0);
    }

    /**
     * While cold texts wait, no offset past the first of them is committed (the worker commits every 100 ms here): a
     * batch is acknowledged only once all its events are applied, so a crash at any moment loses nothing. Each polled
     * batch holds cold titles that wait and another shopper's events that are applied at once, so acknowledging a
     * batch when its first events are applied would commit past the waiting ones.
     */
    @Test
    void noOffsetPastAWaitingEventIsCommitted() throws Exception {
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        ShoalProcess worker = start("worker", "worker",
                List.of("-Dmp.messaging.incoming.behavior-events-in.auto.commit.interval.ms=100"));
        ingest.awaitReady();
        worker.awaitReady();
        String cold = "stop-" + run;
        String warm = warmShopperBeside(ingest, cold);
        int coldEvents = 300;
        int warmEvents = postColdTitles(ingest, cold, coldEvents, warm);
        List<Long> coldOffsets = KafkaTestBroker.readAll(bootstrap, events).stream()
                .filter(r -> r.key().equals(cold)).map(ConsumerRecord::offset).sorted().toList();
        assertThat(coldOffsets).hasSize(coldEvents);
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(events,
                partition(cold));
        String group = "shoal-workers-" + run;
        long[] samples = {0, 0};
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).until(() -> {
            // The commit first, then what is applied: both only grow, so the check never fails a correct worker.
            long committed = KafkaTestBroker.committed(bootstrap, group, tp);
            long applied = hget(prefix + "user:" + cold + ":activity", "total");
            if (applied < coldEvents) {
                long firstWaiting = coldOffsets.get((int) applied);
                assertThat(committed).as("committed offset while the cold event at %d is not applied", firstWaiting)
                        .isLessThanOrEqualTo(firstWaiting);
                samples[0]++;
                samples[1] = Math.max(samples[1], committed);
            }
            return applied == coldEvents;
        });
        assertThat(samples[0]).as("checked while events waited").isPositive();
        assertThat(worker.metric("shoal_pipeline_cold_waits_total")).isPositive();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> hget(prefix + "user:" + warm + ":activity", "total") == 1 + warmEvents);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> KafkaTestBroker.committedLag(bootstrap, group, events) == 0);
    }

    /** {@code count} view events of {@code user}, each with a long title nobody has sent before, 100 per request. */
    private void postColdTitles(ShoalProcess ingest, String user, int count) throws Exception {
        postColdTitles(ingest, user, count, null);
    }

    /**
     * The same, with an event of {@code warm} (a title already embedded) after every tenth; returns how many of
     * those.
     */
    private int postColdTitles(ShoalProcess ingest, String user, int count, String warm) throws Exception {
        int warmEvents = 0;
        String[] words = { "vintage", "enamel", "ceramic", "wooden", "hanging", "glass", "retrospot", "pantry",
            "christmas", "garden", "lantern", "cushion", "ribbon", "doormat", "regency", "parasol" };
        java.util.Random random = new java.util.Random((run + user).hashCode());
        for (int from = 0; from < count; from += 100) {
            StringBuilder body = new StringBuilder("[");
            int n = Math.min(100, count - from);
            int inRequest = n;
            for (int i = from; i < from + n; i++) {
                StringBuilder title = new StringBuilder("item " + user + " " + i);
                for (int w = 0; w < 60; w++) {
                    title.append(' ').append(words[random.nextInt(words.length)]);
                }
                body.append(i == from ? "" : ",").append(event(run + "-" + user + "-" + i, user, title.toString()));
                if (warm != null && i % 10 == 9) {
                    body.append(',').append(event(run + "-" + warm + "-" + i, warm, TEXTS[0]));
                    warmEvents++;
                    inRequest++;
                }
            }
            post(ingest, body.append(']').toString(), inRequest);
        }
        return warmEvents;
    }

    /**
     * A shopper whose events land in {@code cold}'s partition, with one event already applied: its title
     * ({@code TEXTS[0]}) is embedded, so its later events never wait.
     */
    private String warmShopperBeside(ShoalProcess ingest, String cold) throws Exception {
        String warm = sameKafkaPartition(cold);
        post(ingest, "[" + event(run + "-w0", warm, TEXTS[0]) + "]", 1);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> hget(prefix + "user:" + warm + ":activity", "total") == 1);
        return warm;
    }

    /** A user id whose events land in the same partition as {@code user}'s (Kafka's default partitioner). */
    private static String sameKafkaPartition(String user) {
        int target = partition(user);
        for (int i = 0;; i++) {
            String candidate = "warm-" + i + "-" + user;
            if (partition(candidate) == target) {
                return candidate;
            }
        }
    }

    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static String event(String id, String user, String text) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"" + user + "\",\"type\":\"view\",\"text\":\"" + text
                + "\"}";
    }

    private static List<String> tracingTo(OtlpCollector collector, String process) {
        return List.of("-Dquarkus.otel.sdk.disabled=false",
                "-Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf",
                "-Dquarkus.otel.exporter.otlp.traces.endpoint=" + collector.endpoint(),
                "-Dquarkus.otel.bsp.schedule.delay=100ms",
                "-Dquarkus.otel.resource.attributes=shoal.process=" + process);
    }

    private static java.util.Optional<OtlpCollector.Span> span(OtlpCollector collector, String process, String name,
            String traceId) {
        return collector.spans().stream().filter(s -> s.process().equals(process) && s.name().equals(name)
                && s.traceId().equals(traceId)).findFirst();
    }

    private static java.util.Optional<OtlpCollector.Span> batchLinkedTo(OtlpCollector collector,
            OtlpCollector.Span publish) {
        return collector.spans().stream().filter(s -> s.name().equals(Tracing.BATCH)
                && s.linkedSpanIds().contains(publish.spanId())).findFirst();
    }

    @Test
    void sigkilledWorkerLosesNothingAndItsRedeliveredEventsAreSkipped() throws Exception {
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        // The victim never commits an offset: whatever it applied is delivered again to the survivor.
        ShoalProcess victim = start("worker", "victim",
                List.of("-Dmp.messaging.incoming.behavior-events-in.auto.commit.interval.ms=600000"));
        ShoalProcess survivor = start("worker", "survivor", List.of());
        for (ShoalProcess p : processes) {
            p.awaitReady();
        }

        postAll(ingest, 0, EVENTS_PER_USER / 2);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> victim.metric("shoal_pipeline_events_total") > 0);
        victim.kill();
        postAll(ingest, EVENTS_PER_USER / 2, EVENTS_PER_USER);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> stat("events") >= TOTAL);
        assertEverythingAppliedOnce();
        assertThat(survivor.metric("shoal_pipeline_events_redelivered_total"))
                .as("the survivor was handed events the victim had applied but not committed, and skipped them")
                .isPositive();
    }

    @Test
    void brokerRestartUnderLoadLosesNothingAndAppliesEverythingOnce() throws Exception {
        Assumptions.assumeTrue(KafkaTestBroker.restartable(),
                "the broker is not the one of scripts/kafka.sh in this checkout, so the test cannot restart it");
        ShoalProcess ingest = start("ingest", "ingest", List.of());
        start("worker", "worker", List.of());
        for (ShoalProcess p : processes) {
            p.awaitReady();
        }
        String feed = run + "-restart";
        EventFeeder feeder = new EventFeeder(() -> ingest.port, feed, 200, 8, 100, 100);
        Thread feeding = feeder.startInBackground();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> feeder.acknowledged() >= 200 * 8 / 3);
            KafkaTestBroker.kill();
            Thread.sleep(10_000);
            KafkaTestBroker.resume();
            await().atMost(Duration.ofSeconds(180)).until(feeder::done);
            try (AppliedOnce applied = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
                applied.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(180));
            }
            feeder.assertOnlyRetryableRefusals();
        } finally {
            feeding.interrupt();
        }
    }

    private ShoalProcess start(String role, String name, List<String> extra) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "-Dmp.messaging.outgoing.behavior-events-out.topic=" + events,
                "-Dmp.messaging.incoming.behavior-events-in.topic=" + events,
                "-Dmp.messaging.incoming.behavior-events-in.group.id=shoal-workers-" + run,
                "-Dmp.messaging.incoming.behavior-events-in.max.poll.records=50",
                // A killed worker's partitions move after 6 s instead of the default 45 s.
                "-Dmp.messaging.incoming.behavior-events-in.session.timeout.ms=6000",
                "-Dmp.messaging.incoming.behavior-events-in.heartbeat.interval.ms=1000",
                "-Dmp.messaging.outgoing.behavior-events-dlq.topic=" + deadLetters,
                "-D%worker.mp.messaging.outgoing.segment-changes.topic=" + changes,
                "-Dmp.messaging.incoming.segment-changes-in.topic=" + changes));
        settings.addAll(extra);
        ShoalProcess p = ShoalProcess.start(role, name, database, prefix, bootstrap, settings);
        processes.add(p);
        return p;
    }

    /** Posts events {@code from..to-1} of every user, 100 per request, each user's in order; all must be 202. */
    private void postAll(ShoalProcess ingest, int from, int to) throws Exception {
        StringBuilder body = new StringBuilder();
        int inRequest = 0;
        for (int n = from; n < to; n++) {
            for (int u = 0; u < USERS; u++) {
                body.append(inRequest == 0 ? "[" : ",").append("{\"eventId\":\"").append(run).append("-u").append(u)
                        .append('-').append(n).append("\",\"userId\":\"u").append(u).append("\",\"type\":\"")
                        .append(type(n)).append("\",\"text\":\"").append(TEXTS[(u + n) % TEXTS.length]).append("\"}");
                if (++inRequest == 100) {
                    post(ingest, body.append(']').toString(), inRequest);
                    body.setLength(0);
                    inRequest = 0;
                }
            }
        }
        if (inRequest > 0) {
            post(ingest, body.append(']').toString(), inRequest);
        }
    }

    private static void post(ShoalProcess ingest, String json, int count) throws Exception {
        HttpResponse<String> r = ingest.post("/v1/events", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"accepted\":" + count);
    }

    private static String type(int n) {
        return TYPES[n % TYPES.length];
    }

    private void assertEverythingAppliedOnce() throws Exception {
        Map<String, Long> lastOffset = new HashMap<>();
        Map<String, Integer> partition = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : KafkaTestBroker.readAll(bootstrap, events)) {
            if (r.key().startsWith("u")) {
                lastOffset.merge(r.key(), r.offset(), Math::max);
                partition.put(r.key(), r.partition());
            }
        }
        assertThat(lastOffset).as("every user's events are in the topic").hasSize(USERS);
        // Events counted by the stages converge to exactly what was posted and stay there.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (int u = 0; u < USERS; u++) {
                if (!(partition.get("u" + u) + ":" + lastOffset.get("u" + u)).equals(get(prefix + "pos:u" + u))) {
                    return false;
                }
            }
            return true;
        });
        assertThat(stat("events")).as("events applied, over all workers").isEqualTo(TOTAL);
        Map<String, Long> perType = new HashMap<>();
        for (int n = 0; n < EVENTS_PER_USER; n++) {
            perType.merge(type(n), 1L, Long::sum);
        }
        for (int u = 0; u < USERS; u++) {
            String key = prefix + "user:u" + u + ":activity";
            assertThat(hget(key, "total")).as("activity total of u" + u).isEqualTo(EVENTS_PER_USER);
            for (Map.Entry<String, Long> t : perType.entrySet()) {
                assertThat(hget(key, t.getKey())).as(t.getKey() + " of u" + u).isEqualTo(t.getValue());
            }
            assertThat(get(prefix + "u:u" + u)).as("segmentation state of u" + u).isNotNull();
        }
    }

    private long stat(String field) throws Exception {
        return hget(prefix + "stats:pipeline", field);
    }

    private long hget(String key, String field) throws Exception {
        Response r = redis(Request.cmd(Command.HGET).arg(key).arg(field));
        return r == null ? 0 : r.toLong();
    }

    private String get(String key) throws Exception {
        Response r = redis(Request.cmd(Command.GET).arg(key));
        return r == null ? null : r.toString();
    }

    private static Response redis(Request request) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, ShoalTestResources.REDIS_URL);
            try {
                return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } finally {
                redis.close();
            }
        } finally {
            vertx.close();
        }
    }
}
