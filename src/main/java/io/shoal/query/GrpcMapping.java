package io.shoal.query;

import java.time.Instant;

import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.logging.Log;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.query.grpc.GetSegmentResponse;
import io.shoal.query.grpc.RecommendResponse;
import io.shoal.query.grpc.RecommendationStatsResponse;
import io.shoal.query.grpc.RecommendationStatsRow;
import io.shoal.query.grpc.RecommendedItem;
import io.shoal.query.grpc.HistoryEntry;
import io.shoal.query.grpc.Membership;
import io.shoal.query.grpc.Segment;
import io.shoal.query.grpc.SegmentAt;
import io.shoal.query.grpc.SegmentChange;
import io.shoal.query.grpc.UserSegment;
import io.smallrye.mutiny.subscription.BackPressureFailure;

/** Between the query records and the generated protobuf messages, and from failures to gRPC statuses. */
final class GrpcMapping {

    private GrpcMapping() {
    }

    static UserSegment userSegment(Assignment a) {
        UserSegment.Builder b = UserSegment.newBuilder()
                .setUserId(a.userId())
                .setSegmentId(a.segmentId())
                .setSegmentLabel(a.segmentLabel())
                .setSince(timestamp(a.since()))
                .setModelVersion(a.modelVersion());
        if (a.distance() != null) {
            b.setDistance(a.distance());
        }
        if (a.margin() != null) {
            b.setMargin(a.margin());
        }
        for (SoftMembership m : a.memberships()) {
            b.addMemberships(Membership.newBuilder().setSegmentId(m.segmentId()).setProbability(m.probability()));
        }
        return b.build();
    }

    static io.shoal.query.grpc.ExplanationResponse explanation(Explanation e) {
        io.shoal.query.grpc.ExplanationResponse.Builder b = io.shoal.query.grpc.ExplanationResponse.newBuilder()
                .setUserId(e.userId()).setSegment(scored(e.segment())).setModelVersion(e.modelVersion())
                .setProfileWeight(e.profileWeight());
        if (e.runnerUp() != null) {
            b.setRunnerUp(scored(e.runnerUp()));
        }
        if (e.margin() != null) {
            b.setMargin(e.margin());
        }
        if (e.decisionMargin() != null) {
            b.setDecisionMargin(e.decisionMargin());
        }
        for (Explanation.ItemPull p : e.topItems()) {
            b.addTopItems(io.shoal.query.grpc.ItemPull.newBuilder().setItemId(p.itemId() == null ? "" : p.itemId())
                    .setText(p.text() == null ? "" : p.text()).setWeight(p.weight()).setSimilarity(p.similarity())
                    .setContribution(p.contribution()).setShare(p.share()));
        }
        Explanation.Move m = e.lastMove();
        if (m != null) {
            io.shoal.query.grpc.LastMove.Builder lm = io.shoal.query.grpc.LastMove.newBuilder()
                    .setToSegment(m.toSegment()).setAt(timestamp(m.at())).setReason(m.reason())
                    .setCause(m.cause()).setModelVersion(m.modelVersion());
            if (m.fromSegment() != null) {
                lm.setFromSegment(m.fromSegment());
            }
            if (m.previousAt() != null) {
                lm.setPreviousAt(timestamp(m.previousAt()));
            }
            for (Explanation.Event ev : m.events()) {
                lm.addEvents(io.shoal.query.grpc.ExplainedEvent.newBuilder().setAt(timestamp(ev.at()))
                        .setType(ev.type()).setItemId(ev.itemId() == null ? "" : ev.itemId())
                        .setText(ev.text() == null ? "" : ev.text()));
            }
            b.setLastMove(lm);
        }
        return b.build();
    }

    private static io.shoal.query.grpc.ScoredSegment scored(Explanation.Scored s) {
        io.shoal.query.grpc.ScoredSegment.Builder b = io.shoal.query.grpc.ScoredSegment.newBuilder()
                .setSegmentId(s.segmentId()).setLabel(s.label());
        if (s.similarity() != null) {
            b.setSimilarity(s.similarity());
        }
        return b.build();
    }

    static RecommendResponse recommendations(RecommendationList l) {
        RecommendResponse.Builder b = RecommendResponse.newBuilder().setUserId(l.userId())
                .setRecommendationId(l.recommendationId()).setStrategy(l.strategy()).setColdStart(l.coldStart())
                .setGeneratedAt(timestamp(l.generatedAt()));
        if (l.segmentId() != null) {
            b.setSegmentId(l.segmentId());
        }
        if (l.segmentLabel() != null) {
            b.setSegmentLabel(l.segmentLabel());
        }
        for (RecommendationList.Item i : l.items()) {
            b.addItems(RecommendedItem.newBuilder().setItemId(i.itemId() == null ? "" : i.itemId())
                    .setText(i.text() == null ? "" : i.text()).setScore(i.score()).setReason(i.reason())
                    .setReasonKind(i.reasonKind()));
        }
        return b.build();
    }

    static RecommendationStatsResponse recommendationStats(RecommendationStats stats) {
        RecommendationStatsResponse.Builder b = RecommendationStatsResponse.newBuilder();
        stats.rows().forEach(r -> b.addRows(statsRow(r)));
        return b.build();
    }

    static GetSegmentResponse segmentDetail(SegmentDetail d) {
        GetSegmentResponse.Builder b = GetSegmentResponse.newBuilder().setModelVersion(d.modelVersion())
                .setSegment(segment(d.segment()));
        d.recommendations().forEach(r -> b.addRecommendations(statsRow(r)));
        return b.build();
    }

    private static RecommendationStatsRow statsRow(RecommendationStats.Row r) {
        RecommendationStatsRow.Builder row = RecommendationStatsRow.newBuilder().setStrategy(r.strategy())
                .setImpressions(r.impressions()).setClicks(r.clicks()).setConversions(r.conversions());
        if (r.segmentId() != null) {
            row.setSegmentId(r.segmentId()).setSegmentLabel(r.segmentLabel());
        }
        if (r.ctr() != null) {
            row.setCtr(r.ctr()).setConversionRate(r.conversionRate());
        }
        return row.build();
    }

    static Segment segment(SegmentView s) {
        Segment.Builder b = Segment.newBuilder()
                .setSegmentId(s.segmentId())
                .setLabel(s.label())
                .setSize(s.size())
                .setWeight(s.weight())
                .addAllDescription(s.description())
                .addAllTerms(s.terms())
                .setNamed(s.named());
        if (s.created() != null) {
            b.setCreated(timestamp(s.created()));
        }
        if (s.retired() != null) {
            b.setRetired(timestamp(s.retired()));
        }
        return b.build();
    }

    static HistoryEntry historyEntry(HistoryItem h) {
        HistoryEntry.Builder b = HistoryEntry.newBuilder()
                .setToSegment(h.toSegment())
                .setChangedAt(timestamp(h.changedAt()))
                .setModelVersion(h.modelVersion())
                .setReason(h.reason());
        if (h.fromSegment() != null) {
            b.setFromSegment(h.fromSegment());
        }
        if (h.distance() != null) {
            b.setDistance(h.distance());
        }
        if (h.margin() != null) {
            b.setMargin(h.margin());
        }
        return b.build();
    }

    static SegmentAt segmentAt(SegmentInForce f) {
        return SegmentAt.newBuilder().setSegmentId(f.segmentId()).setModelVersion(f.modelVersion())
                .setSince(timestamp(f.since())).build();
    }

    static SegmentChange change(SegmentChangeEvent e) {
        SegmentChange.Builder b = SegmentChange.newBuilder()
                .setKind(switch (e.kind()) {
                    case ENTERED -> SegmentChange.Kind.ENTERED;
                    case EXITED -> SegmentChange.Kind.EXITED;
                    case LINEAGE -> SegmentChange.Kind.LINEAGE;
                })
                .setSegmentId(e.segmentId())
                .setUserId(e.userId() == null ? "" : e.userId())
                .setAt(timestamp(e.at()))
                .setModelVersion(e.modelVersion())
                .setReason(e.reason() == null ? "" : e.reason())
                .setSimilarity(e.similarity())
                .setMargin(e.margin());
        if (e.otherSegmentId() != null) {
            b.setOtherSegmentId(e.otherSegmentId());
        }
        return b.build();
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    /** A request's timestamp; one outside the protobuf Timestamp range (years 1..9999) is INVALID_ARGUMENT. */
    static Instant instant(String field, Timestamp t) {
        if (t.getSeconds() < MIN_TIMESTAMP_SECONDS || t.getSeconds() > MAX_TIMESTAMP_SECONDS || t.getNanos() < 0
                || t.getNanos() > 999_999_999) {
            throw new InvalidQueryException(field, field + " must be a Timestamp between 0001-01-01 and 9999-12-31 "
                    + "with nanos in [0, 999999999] but had seconds " + t.getSeconds() + ", nanos " + t.getNanos());
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range google.protobuf.Timestamp defines. */
    static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
    static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    /** The status a failure of a query becomes; unexpected failures are logged and not described to the client. */
    static StatusRuntimeException status(Throwable f) {
        if (f instanceof InvalidQueryException e) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof UnknownUserException || f instanceof UnknownSegmentException) {
            return Status.NOT_FOUND.withDescription(f.getMessage()).asRuntimeException();
        }
        if (f instanceof SegmentChangeBroadcaster.WatchLimitException e) {
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof BackPressureFailure) {
            return Status.RESOURCE_EXHAUSTED
                    .withDescription("the stream fell too far behind the segment changes and was dropped")
                    .asRuntimeException();
        }
        if (f instanceof StatusRuntimeException e) {
            return e;
        }
        Log.errorf(f, "Segment query failed");
        return Status.UNAVAILABLE.withDescription("the segment store could not answer; try again").asRuntimeException();
    }
}
