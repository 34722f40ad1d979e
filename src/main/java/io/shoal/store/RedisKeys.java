package io.shoal.store;

import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.shoal.config.StoreConfig;

/**
 * The one place that spells Redis key names, all under the configured prefix.
 *
 * <h2>Key layout on a Redis Cluster</h2>
 * Every script Shoal runs is atomic over the keys it names, and most name keys of several kinds at once (a batch:
 * the model, its shoppers' states, the sample, the audit outbox). A Redis Cluster runs a script only when all its keys
 * hash to one slot. So on a cluster ({@code quarkus.redis.client-type=cluster}) the key prefix must carry a hash tag,
 * for example {@code {shoal}:}: Redis then hashes only the tag, and every key of the deployment, whatever the shopper
 * or item ids inside it, lands in the tag's slot. The service refuses to start on a cluster with a prefix without one
 * ({@link #requireHashTag}). Several deployments (or tenants) with different tags spread over the cluster's masters;
 * one deployment's segment state lives on one master and its replicas. The acknowledgement path's keys (the event
 * log, its counts, the dedup marks) are touched only by the accept and acknowledge scripts and by erasure, so they may
 * carry a tag of their own ({@code shoal.redis.ingest-key-prefix}) and live on another master. Commands that name no
 * key (SCAN) are sent through a script anchored on a key of the slot they must scan (scan_keys.lua).
 */
@ApplicationScoped
@Startup
public class RedisKeys {

    private final String prefix;
    private final String ingestPrefix;

    @Inject
    public RedisKeys(StoreConfig config,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this(config.keyPrefix(), config.ingestKeyPrefix().orElse(config.keyPrefix()));
        if ("cluster".equals(clientType.toLowerCase(Locale.ROOT))) {
            String tag = requireHashTag("shoal.redis.key-prefix", prefix);
            String ingestTag = requireHashTag("shoal.redis.ingest-key-prefix", ingestPrefix);
            Log.infof("Redis Cluster: the segment state under the hash tag {%s}, the event log and the dedup marks"
                    + " under {%s}", tag, ingestTag);
        }
    }

    /** For tools and benchmarks that run without CDI: every key under {@code prefix}. */
    public RedisKeys(String prefix) {
        this(prefix, prefix);
    }

    /** The segment state under {@code prefix}, the acknowledgement path's keys under {@code ingestPrefix}. */
    public RedisKeys(String prefix, String ingestPrefix) {
        this.prefix = prefix;
        this.ingestPrefix = ingestPrefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * The hash tag every key under {@code prefix} hashes by (Redis Cluster's rule: the text between the first
     * {@code '{'} and the first {@code '}'} after it, when not empty), if the prefix itself holds it whole.
     */
    public static Optional<String> hashTag(String prefix) {
        int open = prefix.indexOf('{');
        int close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
        return close > open + 1 ? Optional.of(prefix.substring(open + 1, close)) : Optional.empty();
    }

    /** {@link #hashTag}, or an error that names the setting and says what to set. */
    public static String requireHashTag(String setting, String prefix) {
        return hashTag(prefix).orElseThrow(() -> new IllegalStateException(setting + " is \"" + prefix
                + "\": on a Redis Cluster (quarkus.redis.client-type=cluster) it must hold a hash tag, such as"
                + " \"{shoal}:\", so that each script's keys share one slot (README, \"Redis Cluster\")"));
    }

    /**
     * Marker that a shopper's event id was already accepted (expires after the dedup TTL). Event ids are unique per
     * client, not globally, so the marker is scoped to the user: {@code seen:<length of userId>:<userId>:<eventId>};
     * the length prefix makes the split unambiguous whatever the ids contain.
     */
    public String seenEvent(String userId, String eventId) {
        return ingestPrefix + "seen:" + userId.length() + ':' + userId + ':' + eventId;
    }

    /**
     * A key in the slot whose keys {@code pattern} (a SCAN pattern) matches: the event log for the acknowledgement
     * path's keys when they have a prefix of their own, else the model (see scan_keys.lua).
     */
    public String slotAnchor(String pattern) {
        return !ingestPrefix.equals(prefix) && pattern.startsWith(globEscape(ingestPrefix)) ? eventLog() : model();
    }

    /** The SCAN pattern of every key under the prefix (its glob characters escaped). */
    public String everyKeyPattern() {
        return globEscape(prefix) + '*';
    }

    /** The SCAN pattern of every dedup marker of one shopper (the id's glob characters escaped). */
    public String seenEventPattern(String userId) {
        return globEscape(ingestPrefix + "seen:" + userId.length() + ':' + userId + ':') + '*';
    }

    private static String globEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Stream: the durable log of accepted, not yet applied events of the embedded default (see EventLog). */
    public String eventLog() {
        return ingestPrefix + "events";
    }

    /**
     * Hash: the event log's counts, fields {@code events} (accepted, not yet applied) and {@code bytes} (their
     * payloads): admission by events and by bytes (accept_events.lua, stream_ack.lua).
     */
    public String eventLogCounts() {
        return ingestPrefix + "events:counts";
    }

    /**
     * Stream: audit rows of applied batches and sweep steps, written by the same scripts that apply them and moved
     * to PostgreSQL by io.shoal.audit.AuditRelay.
     */
    public String auditOutbox() {
        return prefix + "audit:outbox";
    }

    /** Hash of a user's activity counters: one field per event type plus {@code total}. */
    public String userActivity(String userId) {
        return prefix + "user:" + userId + ":activity";
    }

    /** Hash of the segment model (see SegmentStore). */
    public String model() {
        return prefix + "model";
    }

    /** Hash of a user's segmentation state: profile vector, weight, segment, since. */
    public String userProfile(String userId) {
        return prefix + "u:" + userId;
    }

    /**
     * String: the Kafka position (partition:offset) of the user's last event applied to the segmentation state,
     * so that a redelivered event is skipped (see io.shoal.event.EventPosition).
     */
    public String userPosition(String userId) {
        // Its own namespace: under u: it would collide with the state key of a user whose id ends in ":pos".
        return prefix + "pos:" + userId;
    }

    /**
     * String: the shopper a merged-away shopper now is (an identity merge; see merge_identity.lua). Its own
     * namespace, the id as the whole suffix, so no user id collides with it.
     */
    public String identityLink(String userId) {
        return prefix + "link:" + userId;
    }

    /** Hash of segment id to number of members now. */
    public String segmentSizes() {
        return prefix + "segsize";
    }

    /** Hash of segment id to a segment seeded from examples (JSON: label, examples, their vectors). */
    public String seeds() {
        return prefix + "seeds";
    }

    /** Hash of segment id to the name a person gave it (it outlives refits: ids are matched across them). */
    public String segmentNames() {
        return prefix + "segnames";
    }

    /** Hash of user id to profile vector: a bounded sample for seeding and refinement. */
    public String sample() {
        return prefix + "sample";
    }

    /** Sorted set: the sampled users by {@code SamplePolicy} priority (the index of {@link #sample()}). */
    public String sampleIndex() {
        return prefix + "sample:idx";
    }

    /** String: how many shoppers have a profile (the growth trigger of refits). */
    public String profiled() {
        return prefix + "profiled";
    }

    /** Hash: the running sweep after a model swap (generation, cause, SCAN cursor, shoppers done). */
    public String sweep() {
        return prefix + "sweep";
    }

    /** The SCAN pattern of every user state key. */
    public String userProfilePattern() {
        return globEscape(prefix + "u:") + '*';
    }

    /** The user id of a user state key. */
    public String userOfProfileKey(String key) {
        return key.substring(prefix.length() + 2);
    }

    /** Sorted set: a shopper's own items by decayed weight (io.shoal.recommendation, growing weights). */
    public String recommendationItems(String userId) {
        return prefix + "rec:u:" + userId;
    }

    /**
     * Hash: a shopper's purchase counts per item ("count:lastMillis"), and under NUL-prefixed fields (no item key
     * holds a NUL) the last basket time, its first distinct items (newline-separated) and the last applied event
     * position.
     */
    public String recommendationCounts(String userId) {
        return prefix + "rec:c:" + userId;
    }

    /** Prefix of the per-segment popularity sorted sets ({@code rec:s:<segment id>}). */
    public String recommendationSegmentPrefix() {
        return prefix + "rec:s:";
    }

    /** Sorted set: global popularity, bounded; the item catalogue of the recommendations. */
    public String recommendationGlobal() {
        return prefix + "rec:g";
    }

    /** Sorted set: decayed basket counts, member = segment id, or "*" for all shoppers. */
    public String recommendationBaskets() {
        return prefix + "rec:baskets";
    }

    /** Hash: buyers per item (field NUL: the total). */
    public String recommendationBuyers() {
        return prefix + "rec:b";
    }

    /** Hash: repeat buyers per item (field NUL: the total). */
    public String recommendationRepeaters() {
        return prefix + "rec:r";
    }

    /** Hash: the items recently shown to a shopper in a recommendation list (item to "strategy:millis"). */
    public String recommendationShown(String userId) {
        return prefix + "rec:shown:" + userId;
    }

    /**
     * List: a shopper's recent interactions, newest applied first ("millis TAB kind TAB item TAB text"), bounded by
     * {@code shoal.recommendation.recent-interactions}; what an explanation shows as the events behind a move.
     */
    public String recommendationRecent(String userId) {
        return prefix + "rec:r:" + userId;
    }

    /** Hash: feedback counts, field "segment:strategy:kind" (segment "none" without one). */
    public String recommendationFeedback() {
        return prefix + "rec:fb";
    }

    /**
     * Prefix of the "bought with" sorted sets ({@code rec:w:<item>}: the items bought in baskets with it, by decayed
     * basket count, bounded).
     */
    public String recommendationBoughtWithPrefix() {
        return prefix + "rec:w:";
    }

    /** Sorted set: per item, the decayed count of baskets that hold it (the denominator of "bought with"). */
    public String recommendationItemBaskets() {
        return prefix + "rec:ib";
    }

    /** Hash: item key to text. */
    public String recommendationTexts() {
        return prefix + "rec:t";
    }

    /** Hash of recent item text to vector, to describe segments by their nearest texts. */
    public String recentTexts() {
        return prefix + "texts";
    }

    /** Marker that a micro-batch was applied (makes a retried batch a no-op). */
    public String appliedBatch(String batchId) {
        return prefix + "applied:" + batchId;
    }

    /** A short lease that one process holds while it seeds or maintains the model. */
    public String lock(String name) {
        return prefix + "lock:" + name;
    }

    /** Hash of process-independent pipeline counters (events processed, batches). */
    public String pipelineStats() {
        return prefix + "stats:pipeline";
    }
}
