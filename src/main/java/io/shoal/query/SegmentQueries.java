package io.shoal.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.shoal.event.Identifiers;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentChangeEntity;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.security.Pseudonyms;
import io.shoal.store.SegmentStore;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;

/**
 * The read side shared by the gRPC service and the REST mirrors: validates parameters, reads memberships from
 * Redis (one round trip per user read and per batch read), history from PostgreSQL, and adds labels.
 */
@ApplicationScoped
public class SegmentQueries {

    /** Soft memberships returned per user (GMM). */
    static final int TOP_MEMBERSHIPS = 3;

    private final SegmentStore store;
    private final HistoryRepository history;
    private final SegmentLifecycleQueries lifecycle;
    private final SegmentDescriptions descriptions;
    private final QueryConfig config;

    private final Pseudonyms pseudonyms;

    public SegmentQueries(SegmentStore store, HistoryRepository history, SegmentLifecycleQueries lifecycle,
            SegmentDescriptions descriptions, QueryConfig config, Pseudonyms pseudonyms) {
        this.pseudonyms = pseudonyms;
        this.store = store;
        this.history = history;
        this.lifecycle = lifecycle;
        this.descriptions = descriptions;
        this.config = config;
    }

    /** The form in which the id a client asks for is stored (its keyed hash when ids are pseudonymised). */
    public String stored(String userId) {
        return pseudonyms.stored(userId);
    }

    /** The user's current segment; fails with {@link UnknownUserException} or {@link InvalidQueryException}. */
    public Uni<Assignment> user(String userId) {
        try {
            checkUserId("userId", userId);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        String id = pseudonyms.stored(userId);
        // A shopper merged into another (identity merge) answers as the one it became, under that one's id; the
        // link is read only when the id has no state, so a known shopper's answer stays one round trip.
        return store.user(id).chain(u -> u != null ? Uni.createFrom().item(assigned(id, u))
                : store.links(List.of(id)).chain(links -> {
                    String target = links.get(id);
                    return target == null ? Uni.createFrom().item(assigned(id, null))
                            : store.user(target).map(t -> assigned(target, t));
                }));
    }

    private Assignment assigned(String userId, StoredUser u) {
        if (u == null || u.segmentId() == null) {
            throw new UnknownUserException(userId);
        }
        return assignment(userId, u);
    }

    /** One entry per id in request order, empty for unknown users; one Redis round trip. */
    public Uni<List<Optional<Assignment>>> users(List<String> userIds) {
        try {
            if (userIds.size() > config.maxBatchSize()) {
                throw new InvalidQueryException("userIds",
                        "at most " + config.maxBatchSize() + " user ids per call but got " + userIds.size());
            }
            for (int i = 0; i < userIds.size(); i++) {
                checkUserId("userIds[" + i + "]", userIds.get(i));
            }
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        List<String> ids = userIds.stream().map(pseudonyms::stored).toList();
        return store.users(ids).map(stored -> {
            List<Optional<Assignment>> out = new ArrayList<>(stored.size());
            for (int i = 0; i < stored.size(); i++) {
                StoredUser u = stored.get(i);
                out.add(u == null || u.segmentId() == null ? Optional.empty()
                        : Optional.of(assignment(ids.get(i), u)));
            }
            return out;
        });
    }

    /** The live segments (and, when asked, the most recently retired ones), largest first. */
    public Uni<SegmentListing> segments(boolean includeRetired) {
        return Uni.combine().all().unis(store.model(), store.segmentSizes()).asTuple().chain(t -> {
            SegmentModel model = t.getItem1();
            Map<Long, Long> sizes = t.getItem2();
            if (model == null) {
                return Uni.createFrom().item(new SegmentListing(0, List.of()));
            }
            List<Long> ids = new ArrayList<>(model.k());
            for (long id : model.ids()) {
                ids.add(id);
            }
            Uni<List<SegmentLifecycleEntity>> retired = includeRetired
                    ? lifecycle.recentlyRetired(config.maxRetiredListed())
                    : Uni.createFrom().item(List.of());
            return Uni.combine().all().unis(descriptions.fresh(model), lifecycle.of(ids), retired).asTuple()
                    .map(r -> {
                        List<SegmentView> out = new ArrayList<>();
                        for (int j = 0; j < model.k(); j++) {
                            long id = model.ids()[j];
                            SegmentDescriber.Description d = r.getItem1().bySegment().get(id);
                            SegmentLifecycleQueries.Lifecycle l = r.getItem2().get(id);
                            Instant created = l != null && l.created() != null ? l.created()
                                    : model.createdMillis()[j] > 0 ? Instant.ofEpochMilli(model.createdMillis()[j])
                                            : null;
                            out.add(new SegmentView(id, r.getItem1().label(id),
                                    sizes.getOrDefault(id, 0L), model.weights()[j], created,
                                    l == null ? null : l.retired(), d == null ? List.of() : d.nearestTexts(),
                                    d == null ? List.of() : d.terms(), r.getItem1().names().containsKey(id)));
                        }
                        out.sort(Comparator.comparingLong(SegmentView::size).reversed()
                                .thenComparingLong(SegmentView::segmentId));
                        for (SegmentLifecycleEntity e : r.getItem3()) {
                            if (model.slotOf(e.segmentId) < 0) {
                                out.add(new SegmentView(e.segmentId, r.getItem1().label(e.segmentId),
                                        sizes.getOrDefault(e.segmentId, 0L), 0, null, e.occurredAt, List.of(),
                                        List.of(), r.getItem1().names().containsKey(e.segmentId)));
                            }
                        }
                        return new SegmentListing(model.version(), out);
                    });
        });
    }

    /** Longest name a segment may be given. */
    static final int MAX_LABEL_LENGTH = 80;

    /**
     * Names a live segment, or (label null) gives it back its derived label. The name is kept by segment id, so it
     * survives refits (they match ids to the old segments) and lasts until the segment is retired.
     *
     * @return the segment as listed after the change
     */
    public Uni<SegmentLabel> rename(long segmentId, String label) {
        String name;
        try {
            name = label == null ? null : checkLabel(label);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        return store.model().chain(model -> {
            if (model == null || model.slotOf(segmentId) < 0) {
                return Uni.createFrom().failure(new UnknownSegmentException(segmentId));
            }
            return descriptions.name(segmentId, name).map(v -> new SegmentLabel(segmentId,
                    descriptions.label(segmentId, model.version()), name != null));
        });
    }

    static String checkLabel(String label) {
        String name = label.strip();
        if (name.isEmpty()) {
            throw new InvalidQueryException("label", "label must not be empty");
        }
        if (name.length() > MAX_LABEL_LENGTH) {
            throw new InvalidQueryException("label", "label must have at most " + MAX_LABEL_LENGTH
                    + " characters but had " + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidQueryException("label", "label must not contain control characters");
        }
        return name;
    }

    /**
     * A page of the user's changes, newest first, and with {@code asOf} the segment in force at that instant.
     * {@code hasMore} is true when the page is full (the next one may then be empty).
     */
    public Uni<UserHistoryPage> history(String userId, Instant asOf, int page, Integer size) {
        int pageSize = size == null ? config.defaultPageSize() : size;
        try {
            checkUserId("userId", userId);
            if (page < 0) {
                throw new InvalidQueryException("page", "page must be >= 0 but was " + page);
            }
            if (asOf != null && (asOf.isBefore(EARLIEST_AS_OF) || asOf.isAfter(LATEST_AS_OF))) {
                throw new InvalidQueryException("asOf", "asOf must lie between " + EARLIEST_AS_OF + " and "
                        + LATEST_AS_OF + " but was " + asOf);
            }
            if (pageSize < 1 || pageSize > config.maxPageSize()) {
                throw new InvalidQueryException("size",
                        "size must be in [1, " + config.maxPageSize() + "] but was " + pageSize);
            }
            if ((long) page * pageSize > Integer.MAX_VALUE) {
                throw new InvalidQueryException("page", "page * size must fit in 31 bits but page was " + page);
            }
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        String id = pseudonyms.stored(userId);
        Uni<SegmentChangeEntity> inForce = asOf == null ? Uni.createFrom().nullItem() : history.asOf(id, asOf);
        return Uni.combine().all().unis(history.history(id, page, pageSize), inForce).asTuple().map(t -> {
            List<HistoryItem> items = new ArrayList<>(t.getItem1().size());
            for (SegmentChangeEntity e : t.getItem1()) {
                items.add(new HistoryItem(e.fromSegment, e.toSegment, e.changedAt, e.modelVersion, e.distance,
                        e.margin, e.reason));
            }
            SegmentChangeEntity f = t.getItem2();
            return new UserHistoryPage(id, items, page, pageSize, items.size() == pageSize, asOf,
                    f == null ? null : new SegmentInForce(f.toSegment, f.modelVersion, f.changedAt));
        });
    }

    /** The instants an audit lookup accepts: the range PostgreSQL's timestamp and protobuf's Timestamp share. */
    static final Instant EARLIEST_AS_OF = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST_AS_OF = Instant.parse("9999-12-31T23:59:59Z");

    void checkUserId(String parameter, String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new InvalidQueryException(parameter, parameter + " must not be empty");
        }
        if (userId.length() > config.maxUserIdLength()) {
            throw new InvalidQueryException(parameter, parameter + " must have at most " + config.maxUserIdLength()
                    + " characters but had " + userId.length());
        }
        String problem = Identifiers.idProblem(userId);
        if (problem != null) {
            throw new InvalidQueryException(parameter, parameter + " " + problem);
        }
    }

    private Assignment assignment(String userId, StoredUser u) {
        long segment = u.segmentId();
        return new Assignment(userId, segment, descriptions.label(segment, u.modelVersion()),
                Double.isNaN(u.similarity()) ? null : 1 - u.similarity(),
                Double.isNaN(u.margin()) ? null : u.margin(), Instant.ofEpochMilli(u.sinceMillis()),
                u.modelVersion(), memberships(userId, u.memberships()));
    }

    /** Parses "segId:prob,segId:prob,..." and keeps the most probable ones. */
    static List<SoftMembership> memberships(String userId, String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return List.of();
        }
        List<SoftMembership> out = new ArrayList<>();
        for (String pair : encoded.split(",")) {
            int colon = pair.indexOf(':');
            try {
                out.add(new SoftMembership(Long.parseLong(pair.substring(0, colon).trim()),
                        Double.parseDouble(pair.substring(colon + 1).trim())));
            } catch (RuntimeException e) {
                // One malformed pair should not hide the user's segment.
                Log.debugf("Ignoring malformed membership '%s' of user %s", pair, userId);
            }
        }
        out.sort(Comparator.comparingDouble(SoftMembership::probability).reversed());
        return List.copyOf(out.subList(0, Math.min(TOP_MEMBERSHIPS, out.size())));
    }
}
