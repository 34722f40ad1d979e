package io.shoal.floor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * The least an acknowledgement of Shoal's events can do: read the body as JSON (one event or an array, as
 * {@code POST /v1/events} takes it), mark each event's {@code eventId} with one {@code SET NX EX} (what
 * deduplication needs), all of a request's marks in one pipelined batch, and answer 202 with the count. No
 * validation, no durability beyond the marks, no authentication: what Shoal does beyond this is what its
 * acknowledgement costs over the floor (scripts/bench-ack.sh runs both alternately with one wrk script).
 */
@Path("/v1/events")
public class FloorResource {

    private final Redis redis;
    private final ObjectMapper mapper;

    public FloorResource(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis.getRedis();
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> ingest(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return Uni.createFrom().item(Response.status(400).entity(Map.of("error", "not JSON")).build());
        }
        List<JsonNode> events = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(events::add);
        } else if (root != null && root.isObject()) {
            events.add(root);
        }
        List<Request> marks = new ArrayList<>(events.size());
        for (JsonNode e : events) {
            marks.add(Request.cmd(Command.SET).arg("floor:seen:" + e.path("eventId").asText()).arg("1").arg("NX")
                    .arg("EX").arg(86400));
        }
        if (marks.isEmpty()) {
            return Uni.createFrom().item(Response.status(400).entity(Map.of("error", "no events")).build());
        }
        return redis.batch(marks).map(answers -> {
            int accepted = 0;
            for (var a : answers) {
                accepted += a != null ? 1 : 0;
            }
            return Response.accepted(Map.of("accepted", accepted, "duplicates", events.size() - accepted)).build();
        });
    }
}
