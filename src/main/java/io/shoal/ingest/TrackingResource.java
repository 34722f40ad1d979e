package io.shoal.ingest;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.shoal.config.AuthConfig;
import io.shoal.config.IngestConfig;
import io.shoal.config.TrackingConfig;
import io.shoal.ingest.SegmentSpec.Call;
import io.shoal.ingest.SegmentSpec.Mapped;
import io.shoal.ingest.SegmentSpec.Outcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;

/**
 * The Segment HTTP Tracking API's endpoints ({@code /v1/batch}, {@code /v1/track}, {@code /v1/identify},
 * {@code /v1/alias}, {@code /v1/page}, {@code /v1/screen}, {@code /v1/group}) with its shapes, limits and answers,
 * so that a shop's Segment or RudderStack client sends to Shoal by changing one host name. The messages become Shoal
 * events by {@link SegmentSpec} and take the one ingestion path ({@link EventIngestor}).
 *
 * <h2>Answers</h2>
 * <ul>
 * <li>200 {@code {"success": true}} when something in the request was usable, with the counts and the rejected
 * messages (naming the Segment field). Segment answers 200 and drops bad messages silently; Shoal names them.</li>
 * <li>400 for a body that is not JSON, a request over 500 KB (a single call over 32 KB), or when every message was
 * rejected. A message of a batch over 32 KB is rejected alone.</li>
 * <li>401 when write keys are configured and the request's is missing or unknown.</li>
 * <li>503 with Retry-After under overload or while a dependency is down; the clients retry it.</li>
 * </ul>
 */
@RolesAllowed(Roles.EVENTS_WRITE)
@Path("/v1")
@Tag(name = "Segment-compatible tracking")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class TrackingResource {

    /** The body of every answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrackingResponse(boolean success, String message, Integer accepted, Integer duplicates,
            Integer ignored, List<Rejection> rejected) {

        static TrackingResponse failure(String message) {
            return new TrackingResponse(false, message, null, null, null, null);
        }
    }

    private final EventIngestor ingestor;
    private final ObjectMapper json;
    private final IngestConfig ingest;
    private final RequestBudget budget;
    private final TrackingConfig config;
    private final List<byte[]> writeKeys;
    private final Cache<String, Boolean> linked;
    private final Map<Call, Map<Outcome, Counter>> messages = new EnumMap<>(Call.class);
    private final Counter unauthorized;

    private final boolean authenticated;

    public TrackingResource(EventIngestor ingestor, ObjectMapper json, IngestConfig ingest, TrackingConfig config,
            AuthConfig auth, RequestBudget budget, MeterRegistry registry) {
        this.authenticated = auth.enabled();
        this.budget = budget;
        this.ingestor = ingestor;
        this.json = json;
        this.ingest = ingest;
        this.config = config;
        this.writeKeys = config.writeKeys().orElse(List.of()).stream().map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.linked = Caffeine.newBuilder().maximumSize(config.linkCacheSize()).build();
        for (Call c : Call.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                byOutcome.put(o, Counter.builder("shoal.tracking.messages").tag("call", c.wireName())
                        .tag("outcome", o.name().toLowerCase())
                        .description("Segment-compatible messages received, by call and by what they became")
                        .register(registry));
            }
            messages.put(c, byOutcome);
        }
        this.unauthorized = Counter.builder("shoal.tracking.unauthorized")
                .description("Tracking requests refused for a missing or unknown write key").register(registry);
    }

    @PermitAll // a start hook, not an endpoint
    void warnIfOpen(@Observes StartupEvent ignored) {
        // With authentication on, the request's credential (an API key with events:write, which Segment's clients
        // send as their write key) is checked before; the write keys are then an extra, optional check.
        if (config.enabled() && writeKeys.isEmpty() && !authenticated) {
            Log.warn("The Segment-compatible endpoints (/v1/batch, /v1/track, ...) accept any write key: set "
                    + "shoal.tracking.write-keys (SHOAL_TRACKING_WRITE_KEYS) to require one");
        }
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Segment batch", description = "A Segment HTTP Tracking API batch: {\"batch\": [messages], "
            + "\"sentAt\": ...}; at most 500 KB, 32 KB per message. E-commerce spec v2 events become Shoal events; "
            + "other messages are counted and ignored; messages carrying userId and anonymousId merge the shoppers.")
    @APIResponse(responseCode = "200", description = "Accepted (see the counts and the rejected messages)")
    @APIResponse(responseCode = "400", description = "Not JSON, too large, or no usable message")
    @APIResponse(responseCode = "401", description = "Write key missing or unknown (when write keys are configured)")
    @APIResponse(responseCode = "503", description = "Saturated or a dependency is down; see Retry-After")
    public Uni<Response> batch(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return handle(body, authorization, null);
    }

    @POST
    @Path("/{call: track|identify|alias|page|screen|group}")
    @Operation(summary = "One Segment call", description = "track, identify, alias, page, screen or group; at most "
            + "32 KB. identify links anonymousId to userId (the anonymous shopper is merged into the known one; "
            + "traits are ignored); alias merges previousId into userId; page, screen and group are counted and "
            + "ignored (they link the ids they carry).")
    @APIResponse(responseCode = "200", description = "Accepted (see the counts and the rejected message)")
    @APIResponse(responseCode = "400", description = "Not JSON, too large, or not usable")
    @APIResponse(responseCode = "401", description = "Write key missing or unknown (when write keys are configured)")
    @APIResponse(responseCode = "503", description = "Saturated or a dependency is down; see Retry-After")
    public Uni<Response> call(@PathParam("call") String call, byte[] body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return handle(body, authorization, Call.parse(call).orElseThrow());
    }

    private Uni<Response> handle(byte[] body, String authorization, Call implied) {
        return budget.within(body.length, () -> work(body, authorization, implied), TrackingResponse::failure);
    }

    private Uni<Response> work(byte[] body, String authorization, Call implied) {
        if (!config.enabled()) {
            return answer(Response.Status.NOT_FOUND, TrackingResponse.failure(
                    "the Segment-compatible endpoints are off (shoal.tracking.enabled=false)"));
        }
        int limit = implied == null ? SegmentSpec.MAX_BATCH_BYTES : SegmentSpec.MAX_MESSAGE_BYTES;
        if (body.length > limit) {
            return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure((implied == null ? "a batch" : "a call")
                    + " may be at most " + limit / 1024 + " KB but was " + body.length + " bytes"));
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure("body must be JSON: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure("body could not be read: "
                    + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure("body must be a JSON object"));
        }
        if (!authorized(authorization, root.get("writeKey"))) {
            unauthorized.increment();
            return Uni.createFrom().item(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"shoal\"")
                    .entity(TrackingResponse.failure("a known write key is required: send it as the HTTP Basic "
                            + "username (as Segment's clients do) or as writeKey in the body"))
                    .build());
        }
        List<JsonNode> list = new ArrayList<>();
        List<Rejection> oversized = new ArrayList<>();
        if (implied == null) {
            JsonNode batch = root.get("batch");
            if (batch == null || !batch.isArray()) {
                return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure(
                        "a batch must be {\"batch\": [messages]}"));
            }
            if (batch.size() > ingest.maxEventsPerRequest()) {
                return answer(Response.Status.BAD_REQUEST, TrackingResponse.failure("a batch may carry at most "
                        + ingest.maxEventsPerRequest() + " messages but had " + batch.size()));
            }
            for (int i = 0; i < batch.size(); i++) {
                JsonNode m = batch.get(i);
                long size = serializedSize(m);
                if (size > SegmentSpec.MAX_MESSAGE_BYTES) {
                    oversized.add(new Rejection(i, "batch[" + i + "]", "a message may be at most "
                            + SegmentSpec.MAX_MESSAGE_BYTES / 1024 + " KB but was " + size + " bytes"));
                    m = null;
                }
                list.add(m);
            }
        } else {
            list.add(root);
        }
        Mapped mapped = SegmentSpec.map(list, implied, root.get("sentAt"), Instant.now());
        List<Rejection> rejections = new ArrayList<>(oversized);
        for (Rejection r : mapped.rejections()) {
            if (list.get(r.index()) != null) {
                rejections.add(r);
            }
        }
        count(mapped, list);
        List<JsonNode> events = new ArrayList<>(mapped.events().size());
        List<SegmentSpec.Origin> origins = new ArrayList<>(mapped.events().size());
        Map<Integer, String> newLinks = new java.util.HashMap<>();
        for (int i = 0; i < mapped.events().size(); i++) {
            JsonNode e = mapped.events().get(i);
            if ("identify".equals(e.path("type").textValue())) {
                String pair = e.get("previousId").textValue() + '\u0000' + e.get("userId").textValue();
                if (linked.getIfPresent(pair) != null || newLinks.containsValue(pair)) {
                    continue; // linked by an earlier request of this process (or earlier in this one)
                }
                newLinks.put(events.size(), pair);
            }
            events.add(e);
            origins.add(mapped.origins().get(i));
        }
        int ignored = mapped.count(Outcome.IGNORED);
        if (events.isEmpty()) {
            boolean usable = ignored > 0 || mapped.count(Outcome.MAPPED) > 0;
            return answer(usable ? Response.Status.OK : Response.Status.BAD_REQUEST,
                    new TrackingResponse(usable, usable ? null : "no message could be used", 0, 0, ignored,
                            rejections));
        }
        return ingestor.ingestWithAnonymousIds(events).map(outcome -> {
            if (outcome instanceof EventIngestor.Outcome.Saturated s) {
                return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .header("Retry-After", ingest.retryAfterSeconds())
                        .entity(TrackingResponse.failure("nothing was accepted: " + s.reason())).build();
            }
            IngestResponse r = ((EventIngestor.Outcome.Done) outcome).response();
            for (Rejection x : r.rejected()) {
                rejections.add(origins.get(x.index()).restate(x));
                newLinks.remove(x.index());
            }
            boolean usable = r.accepted() + r.duplicates() + ignored > 0;
            // Remembered once accepted (or already known): the next messages with the pair need not send it.
            newLinks.values().forEach(pair -> linked.put(pair, Boolean.TRUE));
            return Response.status(usable ? Response.Status.OK : Response.Status.BAD_REQUEST)
                    .entity(new TrackingResponse(usable, usable ? null : "no message could be used", r.accepted(),
                            r.duplicates(), ignored, rejections))
                    .build();
        });
    }

    private void count(Mapped mapped, List<JsonNode> list) {
        for (int i = 0; i < list.size(); i++) {
            Call c = mapped.calls().get(i);
            if (c != null) {
                messages.get(c).get(mapped.outcomes().get(i)).increment();
            }
        }
    }

    /** Whether the request's write key (Basic username, else the body's writeKey) is a configured one. */
    private boolean authorized(String authorization, JsonNode bodyKey) {
        if (writeKeys.isEmpty()) {
            return true;
        }
        String key = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                key = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return false;
            }
        } else if (bodyKey != null && bodyKey.isTextual()) {
            key = bodyKey.textValue();
        }
        if (key == null || key.isEmpty()) {
            return false;
        }
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] k : writeKeys) {
            known |= MessageDigest.isEqual(k, given); // constant time, and every key compared
        }
        return known;
    }

    private long serializedSize(JsonNode node) {
        long[] n = new long[1];
        try {
            json.writeValue(new OutputStream() {
                @Override
                public void write(int b) {
                    n[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    n[0] += len;
                }
            }, node);
        } catch (IOException e) {
            throw new IllegalStateException("a parsed message could not be written again", e);
        }
        return n[0];
    }

    private static Uni<Response> answer(Response.Status status, TrackingResponse body) {
        return Uni.createFrom().item(Response.status(status).entity(body).build());
    }
}
