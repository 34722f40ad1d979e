package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.config.PrivacyConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.Identifiers;

/**
 * Pseudonymised ids ({@code shoal.privacy.pseudonymise}): the user id a client sends is replaced, at the edge and
 * before anything is stored, published or logged, by its keyed hash, HMAC-SHA256 under {@code shoal.privacy.hmac-key}
 * as 64 hex digits ({@code anonymous:} ids keep their prefix, so an anonymous visitor stays recognisable as one).
 * Queries hash the id they are asked for the same way, so a client keeps using its own ids; answers and change streams
 * carry the stored form. Off: the identity.
 */
@ApplicationScoped
public class Pseudonyms {

    private final KeyedHash hash;

    public Pseudonyms(PrivacyConfig config) {
        if (!config.pseudonymise()) {
            this.hash = null;
        } else if (config.hmacKey().isEmpty()) {
            throw new IllegalStateException("shoal.privacy.pseudonymise=true needs shoal.privacy.hmac-key "
                    + "(SHOAL_PRIVACY_HMAC_KEY, 32+ characters, the same on every process and kept across restarts)");
        } else {
            this.hash = KeyedHash.of(config.hmacKey().get());
        }
    }

    public boolean enabled() {
        return hash != null;
    }

    /** The form in which Shoal stores the id a client sent (null stays null). */
    public String stored(String userId) {
        if (hash == null || userId == null) {
            return userId;
        }
        if (userId.startsWith(Identifiers.ANONYMOUS_PREFIX)) {
            return Identifiers.ANONYMOUS_PREFIX + hash.hex(userId.substring(Identifiers.ANONYMOUS_PREFIX.length()));
        }
        return hash.hex(userId);
    }

    /** The event with its user id (and an identity merge's previous id) in stored form. */
    public BehaviorEvent stored(BehaviorEvent e) {
        if (hash == null) {
            return e;
        }
        return new BehaviorEvent(e.eventId(), stored(e.userId()), e.type(), e.itemId(), e.text(), e.category(),
                e.price(), e.quantity(), e.occurredAt(), e.receivedAt(), stored(e.previousId()), e.recommendationId());
    }
}
