package io.shoal.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.shoal.query.grpc.GetRecommendationStatsRequest;
import io.shoal.query.grpc.GetUserHistoryRequest;
import io.shoal.query.grpc.GetUserSegmentRequest;
import io.shoal.query.grpc.ListSegmentsRequest;
import io.shoal.query.grpc.RecommendRequest;
import io.shoal.query.grpc.SegmentServiceGrpc;
import io.shoal.query.grpc.SegmentServiceGrpc.SegmentServiceBlockingStub;
import io.shoal.query.grpc.WatchSegmentChangesRequest;
import io.shoal.query.grpc.BatchGetUserSegmentsRequest;
import io.shoal.testing.ShoalTestResources;
import io.smallrye.jwt.build.Jwt;

/**
 * Every endpoint, REST, SSE and gRPC, against no credential, a wrong one, one with the wrong role and one with the
 * right role; JWTs (valid, expired, foreign signature, wrong issuer); the rate limit's answers.
 */
@QuarkusTest
@TestProfile(SecureProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SecurityTest {

    /** One REST endpoint and the role it needs. */
    record Endpoint(String method, String path, String body, String role) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final String EVENT = """
            {"eventId":"sec-1","userId":"sec-user","type":"view","itemId":"i1","text":"red cake tin",
             "occurredAt":"%s"}""";

    static List<Endpoint> endpoints() {
        String event = EVENT.formatted(Instant.now());
        return List.of(
                new Endpoint("POST", "/v1/events", event, Roles.EVENTS_WRITE),
                new Endpoint("POST", "/v1/track", "{\"userId\":\"sec-user\",\"event\":\"Product Viewed\","
                        + "\"properties\":{\"name\":\"red cake tin\"}}", Roles.EVENTS_WRITE),
                new Endpoint("POST", "/v1/batch", "{\"batch\":[]}", Roles.EVENTS_WRITE),
                new Endpoint("GET", "/v1/users/sec-user/segment", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/users/sec-user/history", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/users/sec-user/recommendations", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/recommendations/stats", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/segments", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/users/sec-user/explanation", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/dashboard/map", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/dashboard/sizes", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/dashboard/flows", null, Roles.SEGMENTS_READ),
                new Endpoint("GET", "/v1/dashboard/lineage", null, Roles.SEGMENTS_READ),
                new Endpoint("PUT", "/v1/segments/1/label", "{\"label\":\"sec\"}", Roles.SEGMENTS_WRITE),
                new Endpoint("DELETE", "/v1/segments/1/label", null, Roles.SEGMENTS_WRITE),
                // a seed request without examples: past the credential it is a 400, so nothing is seeded here
                new Endpoint("POST", "/v1/segments/seeded", "{\"label\":\"sec\"}", Roles.SEGMENTS_WRITE),
                new Endpoint("GET", "/v1/segments/seeded", null, Roles.SEGMENTS_READ),
                new Endpoint("DELETE", "/v1/segments/seeded/1", null, Roles.SEGMENTS_WRITE),
                new Endpoint("GET", "/v1/dead-letters", null, Roles.ADMIN),
                new Endpoint("POST", "/v1/dead-letters/replay", "{}", Roles.ADMIN),
                new Endpoint("POST", "/v1/model/refit", null, Roles.ADMIN),
                new Endpoint("DELETE", "/v1/users/sec-erased", null, Roles.USERS_ERASE),
                new Endpoint("POST", "/v1/users/erasures", "{\"userIds\":[\"sec-erased-2\"]}", Roles.USERS_ERASE));
    }

    /** A key that holds a role other than the one asked for (admin holds them all). */
    private static String keyWithout(String role) {
        return switch (role) {
            case Roles.EVENTS_WRITE -> TestKeys.READER;
            case Roles.SEGMENTS_READ -> TestKeys.WRITER;
            case Roles.USERS_ERASE -> TestKeys.READER;
            default -> TestKeys.WRITER;
        };
    }

    private static String keyWith(String role) {
        return switch (role) {
            case Roles.EVENTS_WRITE -> TestKeys.WRITER;
            case Roles.SEGMENTS_READ -> TestKeys.READER;
            case Roles.USERS_ERASE -> TestKeys.ERASER;
            default -> TestKeys.ADMIN;
        };
    }

    private static Response call(Endpoint e, Consumer<RequestSpecification> credential) {
        RequestSpecification r = given().contentType("application/json");
        credential.accept(r);
        if (e.body() != null) {
            r.body(e.body());
        }
        return r.request(e.method(), e.path());
    }

    @Test
    void everyRestEndpointRefusesWithoutTheRightCredentialAndServesWithIt() {
        for (Endpoint e : endpoints()) {
            Response none = call(e, r -> { });
            assertThat(none.statusCode()).as("%s without a credential", e).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).as("%s challenge", e).startsWith("Bearer");
            assertThat(none.jsonPath().getString("error")).as("%s message", e).contains("needs a credential");

            Response wrong = call(e, r -> r.header("Authorization", "Bearer " + TestKeys.UNKNOWN));
            assertThat(wrong.statusCode()).as("%s with an unknown key", e).isEqualTo(401);
            assertThat(wrong.jsonPath().getString("error")).as("%s message", e).contains("not a configured one");

            Response role = call(e, r -> r.header("X-API-Key", keyWithout(e.role())));
            assertThat(role.statusCode()).as("%s with the wrong role", e).isEqualTo(403);
            assertThat(role.jsonPath().getString("error")).as("%s message", e).contains("lacks the role")
                    .contains(e.role());

            for (String key : new java.util.LinkedHashSet<>(List.of(keyWith(e.role()), TestKeys.ADMIN))) {
                Response right = call(e, r -> r.header("Authorization", "Bearer " + key));
                assertThat(right.statusCode()).as("%s with the right role (%s)", e, right.asString())
                        .isNotIn(401, 403).isLessThan(500);
            }
        }
    }

    @Test
    void theDashboardPageIsStaticAndOpenItsDataNeedsTheReadRole() {
        given().get("/dashboard/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("dashboard.js"));
        given().get("/webjars/echarts/5.3.1/dist/echarts.min.js").then().statusCode(200);
        given().get("/v1/dashboard/map").then().statusCode(401);
        given().header("X-API-Key", TestKeys.READER).get("/v1/dashboard/map").then().statusCode(200);
        // A reader cannot name segments: that takes segments:write (or admin).
        given().header("X-API-Key", TestKeys.READER).contentType("application/json").body("{\"label\":\"x\"}")
                .put("/v1/segments/1/label").then().statusCode(403);
    }

    @Test
    void theTrackingClientsWriteKeyAsBasicUsernameIsAnApiKey() {
        String basic = java.util.Base64.getEncoder().encodeToString((TestKeys.WRITER + ":").getBytes());
        given().contentType("application/json").header("Authorization", "Basic " + basic)
                .body("{\"userId\":\"sec-user\",\"event\":\"Product Viewed\",\"properties\":{\"name\":\"tin\"}}")
                .post("/v1/track").then().statusCode(200);
        String reader = java.util.Base64.getEncoder().encodeToString((TestKeys.READER + ":").getBytes());
        given().contentType("application/json").header("Authorization", "Basic " + reader)
                .body("{\"userId\":\"sec-user\",\"event\":\"Product Viewed\"}").post("/v1/track").then()
                .statusCode(403);
        given().header("Authorization", "Digest abc").get("/v1/segments").then().statusCode(401)
                .body("error", org.hamcrest.Matchers.containsString("unsupported Authorization scheme"));
    }

    @Test
    void theSegmentChangeStreamNeedsTheReadRole() throws Exception {
        assertThat(sseStatus(null)).isEqualTo(401);
        assertThat(sseStatus(TestKeys.UNKNOWN)).isEqualTo(401);
        assertThat(sseStatus(TestKeys.WRITER)).isEqualTo(403);
        assertThat(sseStatus(TestKeys.READER)).isEqualTo(200);
    }

    private static int sseStatus(String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/segment-changes"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> r = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(20, TimeUnit.SECONDS);
        r.body().close();
        return r.statusCode();
    }

    @Test
    void jwtsAreVerifiedAndTheirGroupsAreRoles() {
        PrivateKey key = TestKeys.jwtKeys().getPrivate();
        String reader = Jwt.issuer(TestKeys.ISSUER).subject("analyst-7").groups(Set.of(Roles.SEGMENTS_READ))
                .expiresIn(300).sign(key);
        given().header("Authorization", "Bearer " + reader).get("/v1/segments").then().statusCode(200);
        given().header("Authorization", "Bearer " + reader).contentType("application/json")
                .body(EVENT.formatted(Instant.now())).post("/v1/events").then().statusCode(403)
                .body("error", org.hamcrest.Matchers.containsString("analyst-7"));

        String admin = Jwt.issuer(TestKeys.ISSUER).subject("ops-1").groups(Set.of(Roles.ADMIN)).expiresIn(300)
                .sign(key);
        given().header("Authorization", "Bearer " + admin).get("/v1/dead-letters").then().statusCode(200);
        given().header("Authorization", "Bearer " + admin).get("/v1/segments").then().statusCode(200);

        String expired = Jwt.issuer(TestKeys.ISSUER).subject("analyst-7").groups(Set.of(Roles.SEGMENTS_READ))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign(key);
        assertRejectedJwt(expired);

        String foreign = Jwt.issuer(TestKeys.ISSUER).subject("mallory").groups(Set.of(Roles.ADMIN)).expiresIn(300)
                .sign(TestKeys.otherJwtKeys().getPrivate());
        assertRejectedJwt(foreign);

        String otherIssuer = Jwt.issuer("someone-else").subject("mallory").groups(Set.of(Roles.ADMIN))
                .expiresIn(300).sign(key);
        assertRejectedJwt(otherIssuer);

        String tampered = reader.substring(0, reader.lastIndexOf('.') + 1) + "AAAA" + reader.substring(
                reader.lastIndexOf('.') + 5);
        assertRejectedJwt(tampered);
    }

    private static void assertRejectedJwt(String token) {
        Response r = given().header("Authorization", "Bearer " + token).get("/v1/segments");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
        assertThat(r.jsonPath().getString("error")).startsWith("the JWT was rejected");
    }

    @Test
    void theRateLimitAnswers429WithRetryAfterAndRateLimitHeaders() {
        Response first = given().header("X-API-Key", TestKeys.LIMITED).get("/v1/recommendations/stats");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("RateLimit-Limit")).isEqualTo(String.valueOf(SecureProfile.BURST));
        int remaining = Integer.parseInt(first.header("RateLimit-Remaining"));
        assertThat(remaining).isBetween(0, SecureProfile.BURST - 1);
        assertThat(first.header("RateLimit-Reset")).isNotNull();
        // 3 bursts' worth of requests, far more than the refill (20/s) can give in the time they take
        for (int i = 0; i < 3 * SecureProfile.BURST; i++) {
            Response r = given().header("X-API-Key", TestKeys.LIMITED).get("/v1/recommendations/stats");
            if (r.statusCode() == 429) {
                assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
                assertThat(r.header("RateLimit-Remaining")).isEqualTo("0");
                assertThat(r.jsonPath().getString("error")).contains("key:limited").contains("rate limit");
                // another credential is not affected
                given().header("X-API-Key", TestKeys.READER).get("/v1/recommendations/stats").then()
                        .statusCode(200);
                // the same credential over gRPC shares the budget: the bucket is empty, so at most the few
                // tokens refilled since (20/s) go through before RESOURCE_EXHAUSTED
                for (int g = 0; g < 20; g++) {
                    try {
                        stub(TestKeys.LIMITED).listSegments(ListSegmentsRequest.newBuilder().build());
                    } catch (StatusRuntimeException e) {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("key:limited");
                        assertThat(e.getTrailers().get(Metadata.Key.of("retry-after",
                                Metadata.ASCII_STRING_MARSHALLER))).isNotNull();
                        return;
                    }
                }
                fail("20 gRPC calls of a credential over its limit went through");
            }
            assertThat(r.statusCode()).isEqualTo(200);
        }
        fail("no 429 after " + 3 * SecureProfile.BURST + " requests with a burst of " + SecureProfile.BURST);
    }

    // ---- gRPC ----

    @GrpcClient("segments")
    Channel channel;

    private SegmentServiceBlockingStub stub(String key) {
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        }
        return SegmentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(headers))).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static List<Consumer<SegmentServiceBlockingStub>> grpcCalls() {
        List<Consumer<SegmentServiceBlockingStub>> calls = new ArrayList<>();
        calls.add(s -> s.getUserSegment(GetUserSegmentRequest.newBuilder().setUserId("sec-user").build()));
        calls.add(s -> s.batchGetUserSegments(BatchGetUserSegmentsRequest.newBuilder().addUserIds("sec-user").build()));
        calls.add(s -> s.listSegments(ListSegmentsRequest.newBuilder().build()));
        calls.add(s -> s.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId("sec-user").build()));
        calls.add(s -> s.recommend(RecommendRequest.newBuilder().setUserId("sec-user").build()));
        calls.add(s -> s.getRecommendationStats(GetRecommendationStatsRequest.newBuilder().build()));
        calls.add(s -> s.explain(io.shoal.query.grpc.ExplainRequest.newBuilder().setUserId("sec-user").build()));
        calls.add(s -> {
            Iterator<?> changes = s.withDeadlineAfter(1, TimeUnit.SECONDS)
                    .watchSegmentChanges(WatchSegmentChangesRequest.newBuilder().build());
            changes.hasNext();
        });
        return calls;
    }

    @Test
    void everyGrpcMethodRefusesWithoutTheReadRole() {
        List<Consumer<SegmentServiceBlockingStub>> calls = grpcCalls();
        for (int i = 0; i < calls.size(); i++) {
            Consumer<SegmentServiceBlockingStub> call = calls.get(i);
            assertThat(grpcStatus(call, null)).as("call %d without a credential", i).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(grpcStatus(call, TestKeys.UNKNOWN)).as("call %d with an unknown key", i)
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(grpcStatus(call, TestKeys.WRITER)).as("call %d with the wrong role", i)
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(grpcStatus(call, TestKeys.READER)).as("call %d with the read role", i)
                    .isIn(Status.Code.OK, Status.Code.NOT_FOUND, Status.Code.DEADLINE_EXCEEDED);
        }
    }

    private Status.Code grpcStatus(Consumer<SegmentServiceBlockingStub> call, String key) {
        try {
            call.accept(stub(key));
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aBadApiKeyConfigurationNamesTheEntry() {
        assertThatThrownBy(() -> ApiKeys.parse(List.of("ops:abc:admin"))).hasMessageContaining("entry 1 ('ops')")
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("ops:" + ApiKeys.sha256Hex("k") + ":root")))
                .hasMessageContaining("unknown role 'root'");
        assertThatThrownBy(() -> ApiKeys.parse(List.of("a:" + ApiKeys.sha256Hex("k") + ":admin",
                "b:" + ApiKeys.sha256Hex("k") + ":admin"))).hasMessageContaining("configured twice");
        ApiKeys keys = ApiKeys.parse(List.of("ingest:" + ApiKeys.sha256Hex("k1") + ":events:write+segments:read"));
        assertThat(keys.lookup("k1")).get().extracting(ApiKeys.Grant::roles)
                .isEqualTo(Set.of(Roles.EVENTS_WRITE, Roles.SEGMENTS_READ));
        assertThat(keys.lookup("k2")).isEmpty();
    }
}
