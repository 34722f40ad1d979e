package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.shoal.ingest.TrackingProfile;
import io.shoal.testing.ShoalTestResources;

/**
 * The numbers behind the dashboard's sizes and flows charts, from audit rows written here (segment ids and a window
 * of time no other test uses, real PostgreSQL): members per segment at each bucket's end count the changes before
 * the window too, and the flows count the moves within it.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class DashboardDataTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbc;

    private final String run = "dash-data-" + UUID.randomUUID().toString().substring(0, 8);
    private final long a = 9_000_000L + (System.nanoTime() % 100_000) * 3;
    private final long b = a + 1;
    private final long c = a + 2;

    @AfterEach
    void cleanUp() throws SQLException {
        try (Connection conn = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement st = conn.prepareStatement("DELETE FROM segment_history WHERE user_id LIKE ?")) {
            st.setString(1, run + "%");
            st.executeUpdate();
        }
    }

    @Test
    void sizesAndFlowsCountTheAuditTrail() throws SQLException {
        // 2090-01-01, four one-hour buckets from 00:00; one shopper joined A before the window.
        insert("u0", null, a, "2089-12-31T12:00:00Z");
        insert("u1", null, a, "2090-01-01T00:10:00Z");
        insert("u2", null, a, "2090-01-01T00:20:00Z");
        insert("u3", null, a, "2090-01-01T00:30:00Z");
        insert("u1", a, b, "2090-01-01T01:10:00Z");
        insert("u2", a, b, "2090-01-01T01:20:00Z");
        insert("u1", b, c, "2090-01-01T02:10:00Z");
        insert("u4", null, c, "2090-01-01T03:59:59Z");
        insert("u5", a, b, "2090-01-01T05:00:00Z"); // after the window

        JsonPath sizes = given().queryParam("from", "2090-01-01T00:00:00Z").queryParam("to", "2090-01-01T04:00:00Z")
                .queryParam("buckets", 4).get("/v1/dashboard/sizes").then().statusCode(200).extract().jsonPath();
        assertThat(sizes.getList("ends")).hasSize(4);
        assertThat(sizes.getString("ends[0]")).isEqualTo("2090-01-01T01:00:00Z");
        assertThat(sizes.getString("ends[3]")).isEqualTo("2090-01-01T04:00:00Z");
        assertThat(series(sizes, a)).containsExactly(4, 2, 2, 2);
        assertThat(series(sizes, b)).containsExactly(0, 2, 1, 1);
        assertThat(series(sizes, c)).containsExactly(0, 0, 1, 2);

        JsonPath flows = given().queryParam("from", "2090-01-01T00:00:00Z").queryParam("to", "2090-01-01T04:00:00Z")
                .get("/v1/dashboard/flows").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> mine = flows.<Map<String, Object>>getList("flows").stream()
                .filter(f -> ((Number) f.get("fromSegment")).longValue() >= a
                        && ((Number) f.get("fromSegment")).longValue() <= c)
                .toList();
        assertThat(mine).extracting(f -> ((Number) f.get("fromSegment")).longValue() + ">"
                + ((Number) f.get("toSegment")).longValue() + "=" + f.get("shoppers"))
                .containsExactly(a + ">" + b + "=2", b + ">" + c + "=1");

        given().queryParam("from", "2090-01-01T04:00:00Z").queryParam("to", "2090-01-01T00:00:00Z")
                .get("/v1/dashboard/flows").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("to"));
    }

    private static List<Integer> series(JsonPath sizes, long segment) {
        return sizes.getList("series.find { it.segmentId == " + segment + " }.sizes", Integer.class);
    }

    private void insert(String user, Long from, long to, String at) throws SQLException {
        try (Connection conn = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement st = conn.prepareStatement("INSERT INTO segment_history (id, user_id, "
                        + "from_segment, to_segment, changed_at, model_version, reason) VALUES "
                        + "(nextval('segment_history_id_seq'), ?, ?, ?, ?, 1, ?)")) {
            st.setString(1, run + "-" + user);
            if (from == null) {
                st.setNull(2, Types.BIGINT);
            } else {
                st.setLong(2, from);
            }
            st.setLong(3, to);
            st.setObject(4, OffsetDateTime.ofInstant(Instant.parse(at), ZoneOffset.UTC));
            st.setString(5, from == null ? "assigned" : "moved");
            st.executeUpdate();
        }
    }
}
