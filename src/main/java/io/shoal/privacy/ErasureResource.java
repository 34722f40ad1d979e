package io.shoal.privacy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.identity.SecurityIdentity;
import io.shoal.config.PrivacyConfig;
import io.shoal.event.Identifiers;
import io.shoal.security.ApiKeyIdentityProvider;
import io.shoal.security.Pseudonyms;
import io.shoal.security.Roles;
import io.smallrye.mutiny.Uni;

/** Erasure of shoppers: one by id, or up to {@code shoal.privacy.max-erasure-batch} ids per call. */
@Path("/v1")
@Tag(name = "Privacy")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.USERS_ERASE)
public class ErasureResource {

    /** The body of a bulk erasure's answer. */
    public record Erasures(int erased, List<ErasureReceipt> receipts) {
    }

    /** A 400 or 503 answer. */
    public record Problem(String field, String error, Integer retryAfterSeconds) {
    }

    private static final int MAX_ID_LENGTH = 128;

    private final ErasureService erasure;
    private final PrivacyConfig config;
    private final SecurityIdentity identity;
    private final Pseudonyms pseudonyms;

    public ErasureResource(ErasureService erasure, PrivacyConfig config, SecurityIdentity identity,
            Pseudonyms pseudonyms) {
        this.pseudonyms = pseudonyms;
        this.erasure = erasure;
        this.config = config;
        this.identity = identity;
    }

    @DELETE
    @Path("/users/{userId}")
    @Operation(summary = "Erase a shopper", description = "Removes the shopper's state, profile, activity, "
            + "positions, dedup marks, sample entry and recommendation state in Redis, the latest contribution to "
            + "the segment sums (approximate, see README \"Privacy\"), and the history rows in PostgreSQL; answers "
            + "the receipt (keyed hash of the id, what was removed). Idempotent; later events start a new shopper.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ErasureReceipt.class)))
    @APIResponse(responseCode = "400", description = "Bad userId")
    @APIResponse(responseCode = "503", description = "Redis or PostgreSQL did not answer: the erasure stays open "
            + "and is finished later; see Retry-After")
    public Uni<Response> eraseOne(@RestPath String userId) {
        String problem = idProblem(userId);
        if (problem != null) {
            return Uni.createFrom().item(bad("userId", problem));
        }
        return erasure.erase(pseudonyms.stored(userId), requester()).map(r -> Response.ok(r).build())
                .onFailure().recoverWithItem(ErasureResource::unavailable);
    }

    @POST
    @Path("/users/erasures")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Erase many shoppers", description = "Body {\"userIds\": [...]} with up to "
            + "shoal.privacy.max-erasure-batch (5,000) ids; each is erased as DELETE /v1/users/{userId} does. The "
            + "answer lists one receipt per distinct id.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Erasures.class)))
    @APIResponse(responseCode = "400", description = "Not {\"userIds\": [...]}, too many ids, or a bad id (named)")
    @APIResponse(responseCode = "503", description = "Redis or PostgreSQL did not answer; see Retry-After")
    public Uni<Response> eraseMany(JsonNode body) {
        if (body == null || !body.isObject() || !body.path("userIds").isArray()) {
            return Uni.createFrom().item(bad("userIds", "the body must be {\"userIds\": [\"<id>\", ...]}"));
        }
        JsonNode ids = body.get("userIds");
        if (ids.isEmpty()) {
            return Uni.createFrom().item(bad("userIds", "userIds is empty"));
        }
        if (ids.size() > config.maxErasureBatch()) {
            return Uni.createFrom().item(bad("userIds", "at most " + config.maxErasureBatch()
                    + " ids per request but there were " + ids.size()));
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            String problem = id.isTextual() ? idProblem(id.asText()) : "must be a string";
            if (problem != null) {
                return Uni.createFrom().item(bad("userIds[" + i + "]", problem));
            }
            distinct.add(pseudonyms.stored(id.asText()));
        }
        return erasure.erase(new ArrayList<>(distinct), requester())
                .map(r -> Response.ok(new Erasures(r.size(), r)).build())
                .onFailure().recoverWithItem(ErasureResource::unavailable);
    }

    private String requester() {
        Object credential = identity.getAttribute(ApiKeyIdentityProvider.CREDENTIAL);
        return credential == null ? identity.getPrincipal().getName() : credential.toString();
    }

    private static String idProblem(String id) {
        if (id == null || id.isBlank()) {
            return "must not be empty";
        }
        if (id.length() > MAX_ID_LENGTH) {
            return "must be at most " + MAX_ID_LENGTH + " characters but had " + id.length();
        }
        return Identifiers.idProblem(id);
    }

    private static Response bad(String field, String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(new Problem(field, field + " " + message, null))
                .build();
    }

    private static Response unavailable(Throwable failure) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", 30)
                .entity(new Problem(null, "the erasure could not be finished now (" + failure.getClass().getSimpleName()
                        + "); it is recorded and will be finished when the stores answer", 30))
                .build();
    }
}
