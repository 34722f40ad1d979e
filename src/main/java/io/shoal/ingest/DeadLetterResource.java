package io.shoal.ingest;

import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.audit.DeadLetter;
import io.shoal.audit.DeadLetterRepository;
import io.shoal.config.IngestConfig;
import io.smallrye.mutiny.Uni;

/**
 * Operators' view of the dead-letter table: events the pipeline isolated as failing although Redis and PostgreSQL
 * were up. {@code GET} lists them; {@code POST .../replay} hands them back to ingestion (validated again, their
 * dedup marks were removed when they failed) and marks those accepted as replayed; one that fails again comes back
 * as open. {@code ./shoal dead-letters list | replay} calls these.
 */
@RolesAllowed(Roles.ADMIN)
@Path("/v1/dead-letters")
@Tag(name = "Operations")
public class DeadLetterResource {

    /** Most dead letters one call lists or replays. */
    static final int MAX_LIMIT = 1000;

    /** The answer to a list call. */
    public record Listing(long open, List<DeadLetter> deadLetters) {
    }

    /** Which dead letters to replay: the ids, or every open one (up to the limit) when absent. */
    public record ReplayRequest(List<Long> ids) {
    }

    /** The answer to a replay: per dead letter id what ingestion said. */
    public record ReplayResult(int replayed, int duplicates, List<Long> replayedIds, List<Rejection> rejected) {
    }

    private final DeadLetterRepository repository;
    private final EventIngestor ingestor;
    private final ObjectMapper mapper;
    private final IngestConfig config;

    public DeadLetterResource(DeadLetterRepository repository, EventIngestor ingestor, ObjectMapper mapper,
            IngestConfig config) {
        this.repository = repository;
        this.ingestor = ingestor;
        this.mapper = mapper;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List dead letters", description = "Oldest first; open=false includes replayed ones.")
    @APIResponse(responseCode = "400", description = "limit out of range")
    public Uni<Response> list(@RestQuery Boolean open, @RestQuery Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            return Uni.createFrom().item(badRequest("limit", "limit must be between 1 and " + MAX_LIMIT + " but was " + n));
        }
        return Uni.combine().all().unis(repository.countOpen(), repository.list(open == null || open, n)).asTuple()
                .map(t -> Response.ok(new Listing(t.getItem1(), t.getItem2())).build());
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replay dead letters", description = "Hands the dead letters back to ingestion; body "
            + "{\"ids\":[...]} or empty for every open one (at most " + MAX_LIMIT + ").")
    @APIResponse(responseCode = "200", description = "What ingestion said, per event")
    @APIResponse(responseCode = "503", description = "Ingestion is saturated or waiting; see Retry-After")
    public Uni<Response> replay(ReplayRequest request) {
        List<Long> ids = request == null || request.ids() == null ? List.of() : request.ids();
        if (ids.size() > MAX_LIMIT) {
            return Uni.createFrom().item(badRequest("ids", "at most " + MAX_LIMIT + " ids per call but got " + ids.size()));
        }
        Uni<List<DeadLetter>> chosen = ids.isEmpty() ? repository.list(true, MAX_LIMIT) : repository.byIds(ids);
        return chosen.chain(letters -> {
            if (letters.isEmpty()) {
                return Uni.createFrom().item(Response.ok(new ReplayResult(0, 0, List.of(), List.of())).build());
            }
            List<JsonNode> elements = new ArrayList<>(letters.size());
            for (DeadLetter d : letters) {
                elements.add(parse(d));
            }
            return ingestor.reingestStored(elements).chain(outcome -> {
                if (outcome instanceof EventIngestor.Outcome.Saturated s) {
                    return Uni.createFrom().item(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                            .header("Retry-After", config.retryAfterSeconds())
                            .entity(new ErrorResponse("nothing was replayed: " + s.reason(), config.retryAfterSeconds()))
                            .build());
                }
                IngestResponse r = ((EventIngestor.Outcome.Done) outcome).response();
                Set<Integer> rejectedIndexes = new HashSet<>();
                r.rejected().forEach(x -> rejectedIndexes.add(x.index()));
                List<Long> replayed = new ArrayList<>();
                for (int i = 0; i < letters.size(); i++) {
                    if (!rejectedIndexes.contains(i)) {
                        replayed.add(letters.get(i).id());
                    }
                }
                return repository.markReplayed(replayed).map(n -> Response.ok(
                        new ReplayResult(r.accepted(), r.duplicates(), replayed, r.rejected())).build());
            });
        });
    }

    private JsonNode parse(DeadLetter d) {
        try {
            return mapper.readTree(d.event());
        } catch (JsonProcessingException e) {
            // Rejected by the validator as "not an object", with its index: it stays open.
            return mapper.getNodeFactory().textNode(d.event());
        }
    }

    private static Response badRequest(String field, String message) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(IngestResponse.invalid(List.of(new Rejection(-1, field, message)))).build();
    }
}
