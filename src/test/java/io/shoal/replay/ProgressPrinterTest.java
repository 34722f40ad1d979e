package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void aLineShowsCountsRatePercentageAndEta() {
        ReplayStats stats = new ReplayStats();
        stats.answered(12_500, 12_400, 60, 40, List.of());
        stats.skipped(SkipReason.MISSING_CUSTOMER_ID);

        // A quarter done in 60 s: 180 s to go.
        assertThat(ProgressPrinter.format(stats, 1850.4, 0.25, 60)).isEqualTo(
                "sent 12,500  accepted 12,400  dup 60  rejected 40  skipped 1  1,850 ev/s  25.0%  ETA 3m00s");
    }

    @Test
    void retriesShowTheirLastCause() {
        ReplayStats stats = new ReplayStats();
        stats.retry("503");

        assertThat(ProgressPrinter.format(stats, 0, 0, 1)).endsWith("0 ev/s  retries 1 (last: 503)");
    }

    @Test
    void durations() {
        assertThat(ProgressPrinter.duration(9.4)).isEqualTo("9s");
        assertThat(ProgressPrinter.duration(252)).isEqualTo("4m12s");
        assertThat(ProgressPrinter.duration(3780)).isEqualTo("1h03m");
    }
}
