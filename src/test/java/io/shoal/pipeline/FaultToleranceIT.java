package io.shoal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.shoal.testing.AppliedOnce;
import io.shoal.testing.EventFeeder;
import io.shoal.testing.PostgresProcess;
import io.shoal.testing.RedisCleaner;
import io.shoal.testing.RedisProcess;
import io.shoal.testing.ShoalProcess;
import io.shoal.testing.ShoalTestResources;

/**
 * Faults on real processes in the embedded default (role all): the packaged service, a client that retries as
 * clients should, and a process killed or stopped mid-stream. Each test ends with {@link AppliedOnce}: every event
 * answered 202 was applied exactly once in Redis and audited exactly once in PostgreSQL; and, where the service
 * itself stayed up, the only errors the client saw were 503 with Retry-After.
 */
class FaultToleranceIT {

    static final int USERS = 300;
    static final int EVENTS_PER_USER = 10;
    static final int PER_REQUEST = 100;

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "shoal_fault_" + run;
    private final String prefix = "shoal-fault-" + run + ":";
    private ShoalProcess service;
    private ShoalProcess second;
    private RedisProcess ownRedis;
    private PostgresProcess ownPostgres;
    private Thread feeding;

    @AfterEach
    void cleanUp() throws Exception {
        if (feeding != null) {
            feeding.interrupt();
            feeding.join(10_000);
        }
        if (service != null) {
            service.close();
        }
        if (second != null) {
            second.close();
        }
        if (ownRedis != null) {
            ownRedis.close();
        } else {
            RedisCleaner.deleteByPrefix(ShoalTestResources.REDIS_URL, prefix);
        }
        if (ownPostgres != null) {
            ownPostgres.close();
        } else {
            try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void sigkillOfTheAllInOneProcessMidStreamLosesNoAcceptedEvent() throws Exception {
        sharedPostgres();
        int port = ShoalProcess.freePort();
        // Batches close after 3 s: at the kill, accepted events sit read-but-unapplied in the consumer's batch.
        List<String> settings = List.of("-Dshoal.pipeline.batch-size=5000", "-Dshoal.pipeline.batch-timeout=3s");
        service = start("127.0.0.1:5432", ShoalTestResources.REDIS_URL, settings, port);
        EventFeeder feeder = feed(port, 40);
        await().atMost(Duration.ofSeconds(60)).until(() -> feeder.acknowledged() >= USERS * EVENTS_PER_USER / 2);
        try (AppliedOnce redis = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
            service.kill(); // SIGKILL: no drain, no shutdown hook
            long backlog = redis.eventLogBacklog();
            assertThat(backlog).as("accepted events not yet applied when the process died").isPositive();
            service = start("127.0.0.1:5432", ShoalTestResources.REDIS_URL, List.of(), port);
            await().atMost(Duration.ofSeconds(120)).until(feeder::done);
            redis.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
        }
        assertThat(feeder.failures()).as("only connection failures while the process was down")
                .allMatch(f -> f.startsWith("connection:"));
        assertThat(feeder.statuses().keySet()).isSubsetOf(Set.of(202, 503));
    }

    @Test
    void sigtermWithMoreBacklogThanTheDrainTimeoutLeavesTheRestDurableForTheNextStart() throws Exception {
        sharedPostgres();
        int port = ShoalProcess.freePort();
        // One event per batch, one batch at a time, make applying slow (~3,000 batches): a 1 s drain leaves most of
        // the backlog behind, part of it read into the consumer and not yet applied (a request's entry holds 100
        // events), which must stay pending in the log.
        service = start("127.0.0.1:5432", ShoalTestResources.REDIS_URL, List.of("-Dshoal.pipeline.batch-size=1",
                "-Dshoal.pipeline.batches-in-flight=1", "-Dshoal.pipeline.drain-timeout=1s"), port);
        EventFeeder feeder = feed(port, 0);
        await().atMost(Duration.ofSeconds(120)).until(feeder::done);
        assertThat(service.terminate(60)).as("exits after the drain timeout").isTrue();
        try (AppliedOnce redis = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
            assertThat(redis.eventLogBacklog()).as("accepted events left in the event log by the drain").isPositive();
        }
        assertThat(java.nio.file.Files.readString(service.log))
                .contains("they stay in the event log and are applied at the next start");
        service = start("127.0.0.1:5432", ShoalTestResources.REDIS_URL, List.of(), port);
        try (AppliedOnce redis = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
            redis.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
        }
        feeder.assertOnlyRetryableRefusals();
    }

    @Test
    void twoAllInOneProcessesOnOneRedisApplyInOrderUnderOneLeaseAndTheStandbyTakesOverAfterAKill() throws Exception {
        sharedPostgres();
        int portA = ShoalProcess.freePort();
        int portB = ShoalProcess.freePort();
        service = start("127.0.0.1:5432", ShoalTestResources.REDIS_URL, List.of(), portA);
        second = ShoalProcess.start("all", "fault-b-" + run, "127.0.0.1:5432", database, ShoalTestResources.REDIS_URL,
                prefix, null, List.of(), portB).awaitReady();
        // Every other request goes to the other process: a shopper's events arrive through both.
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        EventFeeder feeder = new EventFeeder(() -> calls.incrementAndGet() % 2 == 0 ? portA : portB, run, USERS,
                EVENTS_PER_USER, PER_REQUEST, 60);
        feeding = feeder.startInBackground();
        await().atMost(Duration.ofSeconds(60)).until(() -> feeder.acknowledged() >= USERS * EVENTS_PER_USER / 2);
        assertThat(java.nio.file.Files.readString(second.log)).as("the second process stands by")
                .contains("Another process applies the event log");
        service.kill(); // the leader: the standby takes over when its lease expires
        await().atMost(Duration.ofSeconds(120)).until(feeder::done);
        try (AppliedOnce redis = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
            redis.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
        }
        assertThat(java.nio.file.Files.readString(second.log)).contains("Applying the event log");
        assertThat(feeder.failures()).allMatch(f -> f.startsWith("connection:"));
    }

    @Test
    void redisKilledForThirtySecondsMidStreamLosesNothingAndClientsSeeOnly503() throws Exception {
        sharedPostgres();
        ownRedis = RedisProcess.start();
        int port = ShoalProcess.freePort();
        service = start("127.0.0.1:5432", ownRedis.url(), List.of(), port);
        EventFeeder feeder = feed(port, 60);
        await().atMost(Duration.ofSeconds(60)).until(() -> feeder.acknowledged() >= USERS * EVENTS_PER_USER / 3);
        ownRedis.kill();
        // A request that had done its Redis work before the kill may still be answered 202 after it (a race the
        // first CI runs of 2026-12-02 lost once: 1,100 acknowledged against 1,000 read right after the kill):
        // count from the first 503, when the service has seen Redis gone.
        await().atMost(Duration.ofSeconds(10)).until(() -> feeder.statuses().containsKey(503));
        int before = feeder.acknowledged();
        Thread.sleep(30_000);
        assertThat(feeder.acknowledged()).as("nothing is acknowledged while Redis is down").isEqualTo(before);
        ownRedis.restart();
        await().atMost(Duration.ofSeconds(120)).until(feeder::done);
        try (AppliedOnce redis = new AppliedOnce(ownRedis.url(), prefix)) {
            redis.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
        }
        feeder.assertOnlyRetryableRefusals();
        assertThat(service.alive()).isTrue();
    }

    @Test
    void postgresStoppedForSixtySecondsMidStreamLosesNothingAndTheAuditCatchesUp() throws Exception {
        ownPostgres = PostgresProcess.start();
        ownPostgres.createDatabase(database);
        int port = ShoalProcess.freePort();
        service = start(ownPostgres.hostPort(), ShoalTestResources.REDIS_URL, List.of(), port);
        EventFeeder feeder = feed(port, 150);
        await().atMost(Duration.ofSeconds(60)).until(() -> feeder.acknowledged() >= USERS * EVENTS_PER_USER / 4);
        ownPostgres.stopServer();
        Thread.sleep(60_000);
        ownPostgres.startServer();
        await().atMost(Duration.ofSeconds(120)).until(feeder::done);
        try (AppliedOnce redis = new AppliedOnce(ShoalTestResources.REDIS_URL, prefix)) {
            redis.check(feeder, () -> ownPostgres.connect(database), Duration.ofSeconds(120));
        }
        feeder.assertOnlyRetryableRefusals();
        assertThat(service.alive()).isTrue();
    }

    private void sharedPostgres() throws Exception {
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    private ShoalProcess start(String postgres, String redisUrl, List<String> settings, int port) throws Exception {
        return ShoalProcess.start("all", "fault-" + run, postgres, database, redisUrl, prefix, null, settings, port)
                .awaitReady();
    }

    private EventFeeder feed(int port, long pauseMillis) {
        EventFeeder feeder = new EventFeeder(() -> port, run, USERS, EVENTS_PER_USER, PER_REQUEST, pauseMillis);
        feeding = feeder.startInBackground();
        return feeder;
    }
}
