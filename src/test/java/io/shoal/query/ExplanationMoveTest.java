package io.shoal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shoal.audit.SegmentChangeEntity;
import io.shoal.segmentation.AssignmentPolicy;
import io.shoal.segmentation.SegmentRefit;
import io.shoal.store.RecommendationStore;

/**
 * The explanation's last move, without I/O: what made it (behaviour or which change of the model), and the
 * interactions between the decision before it and it.
 */
class ExplanationMoveTest {

    @Test
    void everyAuditReasonNamesItsCause() {
        for (AssignmentPolicy.Reason r : AssignmentPolicy.Reason.values()) {
            String reason = r.name().toLowerCase(Locale.ROOT);
            String expected = switch (r) {
                case ASSIGNED, MOVED -> "behaviour";
                case SEGMENT_RETIRED -> "retired";
                default -> reason;
            };
            assertThat(ExplanationQueries.cause(reason)).as(reason).isEqualTo(expected);
        }
        for (SegmentRefit.Cause c : SegmentRefit.Cause.values()) {
            String expected = switch (c) {
                case REFIT -> "refit";
                case RESCUE -> "rescue";
                case SEEDED, SEEDED_SEGMENT -> "seeded";
            };
            assertThat(ExplanationQueries.cause(c.reason())).as(c.reason()).isEqualTo(expected);
        }
        assertThat(ExplanationQueries.cause("identity-merge")).isEqualTo("identity-merge");
        assertThat(ExplanationQueries.cause("MOVED")).isEqualTo("behaviour");
        assertThat(ExplanationQueries.cause(null)).isEqualTo("unknown");
        assertThat(ExplanationQueries.cause("")).isEqualTo("unknown");
    }

    @Test
    void aMoveListsTheInteractionsSinceThePreviousDecisionNewestFirst() {
        Instant previous = Instant.parse("2026-11-30T10:00:00Z");
        Instant last = Instant.parse("2026-11-30T12:00:00Z");
        List<SegmentChangeEntity> changes = List.of(change(3L, 5L, last, "refit", 9), change(null, 3L, previous,
                "assigned", 4));
        RecommendationStore.ExplanationInputs inputs = new RecommendationStore.ExplanationInputs(List.of(),
                Map.of("t:cake tin", "CAKE TIN", "sku-1", "RED RIBBON"), List.of(
                        interaction(last.plusSeconds(1), "purchase", "sku-9", "after the move"),
                        interaction(last, "purchase", "t:cake tin", ""),
                        interaction(previous.plusSeconds(60), "view", "sku-1", ""),
                        interaction(previous, "view", "sku-0", "the previous decision's own event")),
                last.toEpochMilli());

        Explanation.Move move = ExplanationQueries.lastMove(changes, inputs);

        assertThat(move.fromSegment()).isEqualTo(3L);
        assertThat(move.toSegment()).isEqualTo(5L);
        assertThat(move.reason()).isEqualTo("refit");
        assertThat(move.cause()).isEqualTo("refit");
        assertThat(move.modelVersion()).isEqualTo(9);
        assertThat(move.previousAt()).isEqualTo(previous);
        assertThat(move.events()).extracting(Explanation.Event::at).containsExactly(last, previous.plusSeconds(60));
        assertThat(move.events()).extracting(Explanation.Event::text).containsExactly("CAKE TIN", "RED RIBBON");
        assertThat(move.events()).extracting(Explanation.Event::itemId).containsExactly(null, "sku-1");

        Explanation.Move first = ExplanationQueries.lastMove(changes.subList(1, 2), inputs);
        assertThat(first.cause()).isEqualTo("behaviour");
        assertThat(first.previousAt()).isNull();
        assertThat(first.events()).extracting(Explanation.Event::text)
                .containsExactly("the previous decision's own event");
        assertThat(ExplanationQueries.lastMove(List.of(), inputs)).isNull();
    }

    private static SegmentChangeEntity change(Long from, Long to, Instant at, String reason, long version) {
        SegmentChangeEntity e = new SegmentChangeEntity();
        e.fromSegment = from;
        e.toSegment = to;
        e.changedAt = at;
        e.reason = reason;
        e.modelVersion = version;
        return e;
    }

    private static RecommendationStore.RecentInteraction interaction(Instant at, String kind, String item,
            String text) {
        return new RecommendationStore.RecentInteraction(at.toEpochMilli(), kind, item, text);
    }
}
