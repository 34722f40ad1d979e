package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoal.audit.SegmentMove;
import io.shoal.query.grpc.BatchGetUserSegmentsRequest;
import io.shoal.query.grpc.BatchGetUserSegmentsResponse;
import io.shoal.query.grpc.GetUserHistoryRequest;
import io.shoal.query.grpc.GetUserHistoryResponse;
import io.shoal.query.grpc.GetUserSegmentRequest;
import io.shoal.query.grpc.ListSegmentsRequest;
import io.shoal.query.grpc.ListSegmentsResponse;
import io.shoal.query.grpc.Segment;
import io.shoal.query.grpc.SegmentChange;
import io.shoal.query.grpc.SegmentServiceGrpc.SegmentServiceBlockingStub;
import io.shoal.query.grpc.SegmentServiceGrpc;
import io.shoal.query.grpc.UserSegment;
import io.shoal.query.grpc.WatchSegmentChangesRequest;
import io.shoal.testing.Events;
import io.shoal.testing.ShoalTestResources;

@QuarkusTest
@SuppressWarnings("unchecked")
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class SegmentGrpcServiceTest {

    @GrpcClient("segments")
    SegmentServiceBlockingStub segments;

    /** The plain channel: grpc-java's async stub can cancel a stream (Quarkus injects no such stub itself). */
    @GrpcClient("segments")
    Channel channel;

    @Inject
    QueryFixtures fixtures;

    @Inject
    SegmentChangeBroadcaster broadcaster;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void seed() {
        fixtures.seedModel();
    }

    private static GetUserSegmentRequest get(String userId) {
        return GetUserSegmentRequest.newBuilder().setUserId(userId).build();
    }

    @Test
    void getUserSegmentAnswersFromRedisWithLabelAndMemberships() {
        String user = "grpc-get-" + run;
        Instant since = Instant.parse("2026-11-01T10:00:00Z");
        fixtures.seedUser(user, QueryFixtures.CAKE, since, 0.8, 0.25, "101:0.7,102:0.2,103:0.06,104:0.04");
        UserSegment s = segments.getUserSegment(get(user));
        assertThat(s.getUserId()).isEqualTo(user);
        assertThat(s.getSegmentId()).isEqualTo(QueryFixtures.CAKE);
        assertThat(s.getDistance()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(s.getMargin()).isEqualTo(0.25);
        assertThat(GrpcMapping.instant("t", s.getSince())).isEqualTo(since);
        assertThat(s.getModelVersion()).isEqualTo(QueryFixtures.MODEL_VERSION);
        assertThat(s.getMembershipsList()).extracting(m -> m.getSegmentId()).containsExactly(101L, 102L, 103L);
        // Labels come from a background refresh, so a read never waits for one; the next reads see it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                segments.getUserSegment(get(user)).getSegmentLabel()).isEqualTo("segment 101: cake, tins, pantry"));
    }

    @Test
    void getUserSegmentErrorCodes() {
        assertThatThrownBy(() -> segments.getUserSegment(get("nobody-" + run)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("nobody-" + run);
                });
        assertThatThrownBy(() -> segments.getUserSegment(get("")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> segments.getUserSegment(get("x".repeat(129))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("at most 128").contains("129");
                });
    }

    @Test
    void batchAnswersInRequestOrderAndMarksUnknownUsers() {
        String a = "grpc-batch-a-" + run;
        String b = "grpc-batch-b-" + run;
        fixtures.seedUser(a, QueryFixtures.GARDEN, Instant.now(), 0.9, 0.1, null);
        fixtures.seedUser(b, QueryFixtures.LIGHTS, Instant.now(), 0.7, 0.3, null);
        BatchGetUserSegmentsResponse r = segments.batchGetUserSegments(BatchGetUserSegmentsRequest.newBuilder()
                .addUserIds(b).addUserIds("ghost-" + run).addUserIds(a).build());
        assertThat(r.getResultsList()).extracting(x -> x.getUserId()).containsExactly(b, "ghost-" + run, a);
        assertThat(r.getResultsList()).extracting(x -> x.getFound()).containsExactly(true, false, true);
        assertThat(r.getResults(0).getSegment().getSegmentId()).isEqualTo(QueryFixtures.LIGHTS);
        assertThat(r.getResults(2).getSegment().getSegmentId()).isEqualTo(QueryFixtures.GARDEN);

        List<String> tooMany = new ArrayList<>(Collections.nCopies(1001, a));
        assertThatThrownBy(() -> segments.batchGetUserSegments(
                BatchGetUserSegmentsRequest.newBuilder().addAllUserIds(tooMany).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("1001");
                });
        assertThatThrownBy(() -> segments.batchGetUserSegments(
                BatchGetUserSegmentsRequest.newBuilder().addUserIds(a).addUserIds("").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).contains("userIds[1]"));
    }

    @Test
    void listSegmentsDescribesEachSegmentByItsNearestTexts() {
        Instant retiredAt = Instant.parse("2026-11-20T00:00:00Z");
        fixtures.recordMoves(List.of(), List.of(
                QueryFixtures.lifecycle(QueryFixtures.GARDEN, "created", Instant.parse("2026-02-01T00:00:00Z"), 1),
                QueryFixtures.lifecycle(99, "created", Instant.parse("2026-01-01T00:00:00Z"), 1),
                QueryFixtures.lifecycle(99, "retired", retiredAt, 0.01)));
        ListSegmentsResponse r = segments.listSegments(
                ListSegmentsRequest.newBuilder().setIncludeRetired(true).build());
        assertThat(r.getModelVersion()).isGreaterThanOrEqualTo(QueryFixtures.MODEL_VERSION);
        Segment cake = r.getSegmentsList().stream().filter(s -> s.getSegmentId() == QueryFixtures.CAKE)
                .findFirst().orElseThrow();
        assertThat(cake.getLabel()).isEqualTo("segment 101: cake, tins, pantry");
        assertThat(cake.getDescriptionList()).startsWith("REGENCY CAKESTAND 3 TIER",
                "SET OF 3 CAKE TINS PANTRY DESIGN");
        assertThat(cake.getSize()).isEqualTo(5);
        assertThat(cake.getWeight()).isEqualTo(10.0);
        assertThat(GrpcMapping.instant("t", cake.getCreated())).isEqualTo(QueryFixtures.CREATED);
        assertThat(cake.hasRetired()).isFalse();
        Segment garden = r.getSegmentsList().stream().filter(s -> s.getSegmentId() == QueryFixtures.GARDEN)
                .findFirst().orElseThrow();
        assertThat(GrpcMapping.instant("t", garden.getCreated())).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        Segment retired = r.getSegmentsList().stream().filter(s -> s.getSegmentId() == 99).findFirst()
                .orElseThrow();
        assertThat(GrpcMapping.instant("t", retired.getRetired())).isEqualTo(retiredAt);
    }

    @Test
    void historyIsNewestFirstPagedAndAnswersPointInTimeQueries() {
        String user = "grpc-hist-" + run;
        Instant t1 = Instant.parse("2026-11-01T10:00:00Z");
        Instant t2 = Instant.parse("2026-11-02T10:00:00Z");
        Instant t3 = Instant.parse("2026-11-03T10:00:00Z");
        fixtures.recordMoves(List.of(
                new SegmentMove(user, null, QueryFixtures.CAKE, t1, 3, 0.3, 0.1, "assigned"),
                new SegmentMove(user, QueryFixtures.CAKE, QueryFixtures.GARDEN, t2, 5, 0.2, 0.15, "moved"),
                new SegmentMove(user, QueryFixtures.GARDEN, QueryFixtures.LIGHTS, t3, 9, 0.1, 0.2, "moved")),
                List.of());

        GetUserHistoryResponse first = segments.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId(user)
                .setPageSize(2).setAsOf(GrpcMapping.timestamp(t2.plusSeconds(3600))).build());
        assertThat(first.getChangesList()).extracting(c -> c.getToSegment())
                .containsExactly(QueryFixtures.LIGHTS, QueryFixtures.GARDEN);
        assertThat(first.getHasMore()).isTrue();
        assertThat(first.getAsOf().getSegmentId()).isEqualTo(QueryFixtures.GARDEN);
        assertThat(first.getAsOf().getModelVersion()).isEqualTo(5);
        assertThat(GrpcMapping.instant("t", first.getAsOf().getSince())).isEqualTo(t2);

        GetUserHistoryResponse second = segments.getUserHistory(
                GetUserHistoryRequest.newBuilder().setUserId(user).setPageSize(2).setPage(1).build());
        assertThat(second.getChangesList()).hasSize(1);
        assertThat(second.getChanges(0).hasFromSegment()).isFalse();
        assertThat(second.getChanges(0).getReason()).isEqualTo("assigned");
        assertThat(second.hasAsOf()).isFalse();

        GetUserHistoryResponse before = segments.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId(user)
                .setAsOf(GrpcMapping.timestamp(t1.minusSeconds(1))).build());
        assertThat(before.hasAsOf()).isFalse();

        assertThatThrownBy(() -> segments.getUserHistory(
                GetUserHistoryRequest.newBuilder().setUserId(user).setPageSize(501).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("size").contains("501");
                });
        assertThatThrownBy(() -> segments.getUserHistory(
                GetUserHistoryRequest.newBuilder().setUserId(user).setPage(-1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void watchStreamsTheSegmentChangeOfAnEventSentOverHttp() {
        String user = "grpc-watch-" + run;
        int before = broadcaster.watcherCount();
        List<SegmentChange> received = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ClientCallStreamObserver<WatchSegmentChangesRequest>[] call = new ClientCallStreamObserver[1];
        SegmentServiceGrpc.newStub(channel).watchSegmentChanges(WatchSegmentChangesRequest.getDefaultInstance(),
                new ClientResponseObserver<WatchSegmentChangesRequest, SegmentChange>() {
                    public void beforeStart(ClientCallStreamObserver<WatchSegmentChangesRequest> c) {
                        call[0] = c;
                    }

                    public void onNext(SegmentChange change) {
                        if (change.getUserId().equals(user)) {
                            received.add(change);
                        }
                    }

                    public void onError(Throwable t) {
                        failure.set(t);
                    }

                    public void onCompleted() {
                    }
                });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> broadcaster.watcherCount() > before || failure.get() != null);
        assertThat(failure.get()).isNull();

        given().contentType(ContentType.JSON)
                .body(List.of(Events.view("w1-" + run, user, "REGENCY CAKESTAND 3 TIER"),
                        Events.view("w2-" + run, user, "SET OF 3 CAKE TINS PANTRY DESIGN")))
                .when().post("/v1/events").then().statusCode(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> !received.isEmpty() || failure.get() != null);
        assertThat(failure.get()).isNull();
        assertThat(received.get(0).getKind()).isEqualTo(SegmentChange.Kind.ENTERED);
        assertThat(received.get(0).getReason()).isEqualTo("assigned");
        call[0].cancel("test done", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.watcherCount() == before);
    }
}
