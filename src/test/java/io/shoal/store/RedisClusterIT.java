package io.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.shoal.event.Identifiers;
import io.shoal.testing.AppliedOnce;
import io.shoal.testing.EventFeeder;
import io.shoal.testing.RedisClusterProcess;
import io.shoal.testing.ShoalProcess;
import io.shoal.testing.ShoalTestResources;

/**
 * The packaged service on a real Redis Cluster of three masters (started from the redis-server binary), end to end:
 * every script's keys share the key prefix's hash tag ({@link RedisKeys}), so the batch, recommendation, sweep,
 * identity-merge and erasure scripts run there unchanged, and the SCANs of the sweep and the erasure run on the
 * master that holds the deployment's keys (scan_keys.lua).
 */
class RedisClusterIT {

    static final int USERS = 300;
    static final int EVENTS_PER_USER = 8;

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "shoal_cluster_" + run;
    private final String prefix = "{shoal-cluster-" + run + "}:";
    /**
     * The acknowledgement path's keys under a tag of their own (shoal.redis.ingest-key-prefix), chosen on another
     * master than the state's.
     */
    private String ingestPrefix;
    private RedisClusterProcess cluster;
    private ShoalProcess service;

    @AfterEach
    void cleanUp() throws Exception {
        if (service != null) {
            service.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private ShoalProcess start(String keyPrefix) throws Exception {
        return start(keyPrefix, 0);
    }

    private ShoalProcess start(String keyPrefix, int replicasPerMaster) throws Exception {
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        cluster = RedisClusterProcess.start(replicasPerMaster);
        int stateMaster = cluster.masterOf(prefix + "model");
        for (int i = 0; ingestPrefix == null || cluster.masterOf(ingestPrefix + "events") == stateMaster; i++) {
            ingestPrefix = "{shoal-cluster-" + run + "-ingest-" + i + "}:";
        }
        return ShoalProcess.start("all", "cluster-" + run, "127.0.0.1:5432", database, cluster.urls(), keyPrefix, null,
                List.of("-Dquarkus.redis.client-type=cluster", "-Dshoal.redis.ingest-key-prefix=" + ingestPrefix),
                ShoalProcess.freePort());
    }

    @Test
    void theServiceRunsOnAThreeMasterClusterAppliesEveryEventOnceAndErasesAShopperWhole() throws Exception {
        service = start(prefix).awaitReady();
        EventFeeder feeder = new EventFeeder(() -> service.port, run, USERS, EVENTS_PER_USER, 100, 0);
        feeder.run();
        assertThat(feeder.statuses().keySet()).as("answers").contains(202).isSubsetOf(Set.of(202, 503));
        try (AppliedOnce redis = AppliedOnce.onCluster(cluster.urls(), prefix, ingestPrefix)) {
            // Every event applied once in Redis, every segment change audited once in PostgreSQL, and the audit
            // ends where Redis stands: the batches, the seed and the refits' sweeps all ran on the cluster.
            redis.check(feeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> service.metric("shoal_segmentation_sweep_running") == 0);
        assertThat(service.metric("shoal_segmentation_sweep_users_total"))
                .as("the sweeps re-decided shoppers: their SCAN found the user states on the cluster")
                .isGreaterThanOrEqualTo(USERS);

        String shopper = feeder.user(250); // no other id contains it (u25 would match u250..u259)
        assertThat(service.send("GET", "/v1/users/" + shopper + "/segment").statusCode()).isEqualTo(200);
        HttpResponse<String> recommended = service.send("GET", "/v1/users/" + shopper + "/recommendations?limit=5");
        assertThat(recommended.statusCode()).isEqualTo(200);
        assertThat(recommended.body()).as("own purchases recommended").contains("\"reasonKind\":\"bought_before\"");

        // An identity merge (one script over both shoppers' keys) on the cluster.
        String known = "known-" + run;
        String visitor = "visitor-" + run;
        track("/v1/track", "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"" + run
                + "-v\",\"anonymousId\":\"" + visitor + "\",\"properties\":{\"name\":\"regency cakestand 3 tier\"}}");
        track("/v1/track", "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"" + run
                + "-k\",\"userId\":\"" + known + "\",\"properties\":{\"name\":\"jumbo bag red retrospot\"}}");
        String anonymous = Identifiers.ANONYMOUS_PREFIX + visitor;
        awaitStatus("/v1/users/" + anonymous + "/segment", 200);
        awaitStatus("/v1/users/" + known + "/segment", 200);
        track("/v1/identify", "{\"type\":\"identify\",\"messageId\":\"" + run + "-i\",\"userId\":\"" + known
                + "\",\"anonymousId\":\"" + visitor + "\"}");
        // Merged: the anonymous id now names the known shopper.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                service.send("GET", "/v1/users/" + anonymous + "/segment").body())
                .contains("\"userId\":\"" + known + "\""));

        // Two slots: the acknowledgement path's keys under their tag, everything else under the state's.
        List<String> all = keysNaming("");
        String ingestTag = RedisKeys.hashTag(ingestPrefix).orElseThrow();
        assertThat(all).as("every key carries one of the two tags").allMatch(k -> k.startsWith(prefix)
                || k.startsWith(ingestPrefix));
        assertThat(all).filteredOn(k -> RedisKeys.hashTag(k).orElseThrow().equals(ingestTag))
                .as("under the ingest tag: the event log, its counts and the dedup marks").isNotEmpty()
                .allMatch(k -> k.startsWith(ingestPrefix + "seen:") || k.equals(ingestPrefix + "events")
                        || k.equals(ingestPrefix + "events:counts"));
        assertThat(all).as("the dedup marks are not under the state's tag")
                .noneMatch(k -> k.startsWith(prefix + "seen:"));
        List<Long> perMaster = cluster.keysPerMaster();
        assertThat(perMaster.stream().filter(n -> n > 0).count()).as("two masters share the work: %s", perMaster)
                .isEqualTo(2);

        // Erasure: the state scripts and the SCAN for the shopper's dedup marks, on the cluster.
        assertThat(keysNaming(shopper)).as("the shopper's keys before the erasure").isNotEmpty()
                .anyMatch(k -> k.contains("seen:"));
        HttpResponse<String> erased = service.send("DELETE", "/v1/users/" + shopper);
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(keysNaming(shopper)).as("no key names the erased shopper").isEmpty();
        assertThat(service.send("GET", "/v1/users/" + shopper + "/segment").statusCode()).isEqualTo(404);
    }

    /**
     * A failover: the master holding the segment state is killed (SIGKILL) once everything it acknowledged has reached
     * its replica, and the next events are sent at once. Until the replica takes over (the cluster's node timeout,
     * 2 s here) the service's Redis calls fail, the acknowledgement path's too although its keys are on another master
     * (the Vert.x cluster client fails a call while it cannot connect to every node of its slot map): clients get 503
     * with Retry-After and retry. Then the service, not restarted, applies every event exactly once. (A write the
     * master acknowledged and had not yet replicated would be lost: README, "Durability on a failover".)
     */
    @Test
    void aMasterFailoverLosesNothingItHadReplicatedAndTheServiceGoesOnWithoutARestart() throws Exception {
        service = start(prefix, 1).awaitReady();
        EventFeeder before = new EventFeeder(() -> service.port, run + "a", 200, 5, 100, 0);
        before.run();
        try (AppliedOnce redis = AppliedOnce.onCluster(cluster.urls(), prefix, ingestPrefix)) {
            redis.check(before, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
            int state = cluster.masterOf(prefix + "model");
            int ingest = cluster.masterOf(ingestPrefix + "events");
            cluster.awaitReplicated(state);
            cluster.awaitReplicated(ingest);
            cluster.kill(state);

            EventFeeder after = new EventFeeder(() -> service.port, run + "b", 200, 5, 100, 0);
            after.run();
            assertThat(after.statuses().keySet()).as("answers during and after the failover")
                    .contains(202).isSubsetOf(Set.of(202, 503));
            assertThat(after.failures()).isEmpty();
            assertThat(cluster.masterOf(prefix + "model")).as("a replica took over the state's slot")
                    .isNotEqualTo(state);
            assertThat(service.alive()).isTrue();
            long eachFeeder = 200 * 5;
            redis.check(after, eachFeeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(120));
            redis.check(before, eachFeeder, () -> ShoalTestResources.connection(database), Duration.ofSeconds(30));
        }
    }

    @Test
    void aKeyPrefixWithoutAHashTagIsRefusedAtStartWithTheSettingToChange() throws Exception {
        service = start("shoal-cluster-" + run + ":");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !service.alive());
        String log = Files.readString(service.log, StandardCharsets.UTF_8);
        assertThat(log).contains("shoal.redis.key-prefix is \"shoal-cluster-" + run + ":\"")
                .contains("must hold a hash tag");
        assertThat(cluster.keysPerMaster()).as("nothing written").containsOnly(0L);
    }

    /** A Segment-compatible call, answered as accepted. */
    private void track(String path, String json) throws Exception {
        String basic = Base64.getEncoder().encodeToString("any-write-key:".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = service.post(path, json, Map.of("Authorization", "Basic " + basic));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"accepted\":1");
    }

    private void awaitStatus(String path, int status) {
        // A shopper's first event is applied a batch after its 200.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> r = service.send("GET", path);
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(status);
        });
    }

    /** Every key on any master whose name holds {@code id} (every key for ""). */
    private List<String> keysNaming(String id) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int port : cluster.ports()) {
            all.append(RedisClusterProcess.cli(port, "--scan", "--pattern", "*" + id + "*"));
        }
        return all.toString().lines().filter(l -> !l.isBlank()).toList();
    }
}
