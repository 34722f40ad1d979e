package io.shoal.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentQueriesTest {

    @Test
    void membershipsKeepTheThreeMostProbableAndSkipMalformedPairs() {
        assertThat(SegmentQueries.memberships("u", "1:0.1,2:0.5,oops,3:0.05,4:0.35"))
                .containsExactly(new SoftMembership(2, 0.5), new SoftMembership(4, 0.35), new SoftMembership(1, 0.1));
        assertThat(SegmentQueries.memberships("u", null)).isEmpty();
        assertThat(SegmentQueries.memberships("u", "")).isEmpty();
    }
}
