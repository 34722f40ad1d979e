package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayOptionsTest {

    @TempDir
    Path tmp;

    private Path file(String name) throws Exception {
        Path dir = tmp.resolve(name).getParent();
        Files.createDirectories(dir);
        return Files.writeString(tmp.resolve(name), "x\n");
    }

    @Test
    void defaults() throws Exception {
        Path f = file("online-retail.csv.gz");

        ReplayOptions o = ReplayOptions.parse(f.toString());

        assertThat(o).isEqualTo(new ReplayOptions(f, DatasetFormat.ONLINE_RETAIL, null, null, null, 0, 500, 4,
                URI.create("http://127.0.0.1:8080/v1/events"), null));
    }

    @Test
    void simulatedFeedbackIsAFlag() throws Exception {
        Path f = file("online-retail.csv.gz");
        assertThat(ReplayOptions.parse(f.toString()).simulateFeedback()).isFalse();
        assertThat(ReplayOptions.parse("--simulate-feedback", f.toString(), "--limit", "5").simulateFeedback())
                .isTrue();
        assertThat(ReplayOptions.USAGE).contains("--simulate-feedback");
    }

    @Test
    void beforeIsMidnightInTheDatasTimeZoneAndSkipsLaterEventsAsAfterCutoff() throws Exception {
        Path f = file("online-retail.csv.gz");
        assertThat(ReplayOptions.parse(f.toString()).before()).isNull();
        // Online Retail is London time: 2011-07-01 00:00 BST is 2011-06-30T23:00Z.
        assertThat(ReplayOptions.parse(f.toString(), "--before", "2011-07-01").before())
                .isEqualTo(java.time.Instant.parse("2011-06-30T23:00:00Z"));
        assertThatThrownBy(() -> ReplayOptions.parse(f.toString(), "--before=July"))
                .isInstanceOf(ReplayUsageException.class).hasMessageContaining("--before must be a date");
        assertThat(ReplayOptions.USAGE).contains("--before DATE");

        java.time.Instant cutoff = java.time.Instant.parse("2011-06-30T23:00:00Z");
        java.util.Iterator<MappingResult> lines = java.util.List.of(
                MappingResult.of(event(cutoff.minusSeconds(1))), MappingResult.skipped(SkipReason.MALFORMED_LINE, "x"),
                MappingResult.of(event(cutoff))).iterator();
        LineSource source = ReplayCommand.before(new LineSource() {
            @Override
            public MappingResult next() {
                return lines.hasNext() ? lines.next() : null;
            }

            @Override
            public double fractionRead() {
                return 0.5;
            }
        }, cutoff);
        assertThat(source.next().isSkipped()).as("before the cutoff: sent").isFalse();
        assertThat(source.next().skip()).isEqualTo(SkipReason.MALFORMED_LINE);
        assertThat(source.next().skip()).as("at the cutoff: held out").isEqualTo(SkipReason.AFTER_CUTOFF);
        assertThat(source.next()).isNull();
        assertThat(source.fractionRead()).isEqualTo(0.5);
        assertThat(SkipReason.AFTER_CUTOFF.label()).isEqualTo("after-cutoff");
    }

    @Test
    void skipPassesOverTheFirstLinesAndLimitCountsAfterThem() throws Exception {
        Path f = file("online-retail.csv.gz");
        assertThat(ReplayOptions.parse(f.toString()).skip()).isZero();
        assertThat(ReplayOptions.parse(f.toString(), "--skip", "30000", "--limit", "1000").skip()).isEqualTo(30000);
        assertThatThrownBy(() -> ReplayOptions.parse(f.toString(), "--skip", "-1"))
                .isInstanceOf(ReplayUsageException.class).hasMessageContaining("--skip");
        assertThat(ReplayOptions.USAGE).contains("--skip N");

        java.time.Instant t = java.time.Instant.parse("2011-01-01T00:00:00Z");
        java.util.List<MappingResult> all = java.util.List.of(MappingResult.of(event(t)),
                MappingResult.skipped(SkipReason.MALFORMED_LINE, "x"), MappingResult.of(event(t.plusSeconds(2))),
                MappingResult.of(event(t.plusSeconds(3))));
        // Lines are passed over whatever they became (the malformed one counts as a line).
        LineSource two = ReplayCommand.skip(ReplayerTest.lines(all), 2);
        assertThat(two.next().event().occurredAt()).isEqualTo(t.plusSeconds(2));
        assertThat(two.next().event().occurredAt()).isEqualTo(t.plusSeconds(3));
        assertThat(two.next()).isNull();
        assertThat(ReplayCommand.skip(ReplayerTest.lines(all), 9).next()).as("past the end").isNull();
        assertThat(ReplayCommand.skip(ReplayerTest.lines(all), 0).next().event().occurredAt()).isEqualTo(t);
    }

    private static ReplayEvent event(java.time.Instant at) {
        return new ReplayEvent("e", "u", io.shoal.event.EventType.PURCHASE, "1", "t", null, 1.0, 1, at);
    }

    @Test
    void everyOptionInBothSpellings() throws Exception {
        Path f = file("data.csv");

        ReplayOptions o = ReplayOptions.parse("--rate=200/s", f.toString(), "--limit", "2_000", "--batch", "1000",
                "--concurrency=8", "--url", "http://shoal:9000/", "--format", "online-retail", "--summary-json",
                "s.json");

        assertThat(o.rate()).isEqualTo(200.0);
        assertThat(o.limit()).isEqualTo(2000);
        assertThat(o.batch()).isEqualTo(1000);
        assertThat(o.concurrency()).isEqualTo(8);
        assertThat(o.endpoint()).isEqualTo(URI.create("http://shoal:9000/v1/events"));
        assertThat(o.summaryJson()).isEqualTo(Path.of("s.json"));
    }

    @Test
    void completeJourneyFindsItsProductsNextToTheTransactions() throws Exception {
        Path f = file("complete-journey/transactions_sample.csv.gz");
        Path products = file("complete-journey/products.csv.gz");

        ReplayOptions o = ReplayOptions.parse(f.toString(), "--speedup", "3600", "--url",
                "http://127.0.0.1:8080/custom/path");

        assertThat(o.format()).isEqualTo(DatasetFormat.COMPLETE_JOURNEY);
        assertThat(o.products()).isEqualTo(products.toAbsolutePath());
        assertThat(o.speedup()).isEqualTo(3600.0);
        assertThat(o.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080/custom/path"));
    }

    @Test
    void errorsNameTheOptionAndWhatWasGiven() throws Exception {
        String f = file("online-retail.csv").toString();

        assertThatThrownBy(() -> ReplayOptions.parse(f, "--fast")).hasMessage("unknown option --fast");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "-x")).hasMessage("unknown option -x");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--rate", "lots"))
                .hasMessage("--rate must be a positive number but was lots");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--limit", "-3"))
                .hasMessage("--limit must be a positive integer but was -3");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--concurrency", "0"))
                .hasMessage("--concurrency must be an integer in [1, 64] but was 0");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--batch")).hasMessage("--batch needs a value");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--rate", "5", "--speedup", "2"))
                .hasMessageContaining("--rate and --speedup exclude each other");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--url", "localhost:8080"))
                .hasMessage("--url must be an http:// or https:// URL such as http://127.0.0.1:8080 but was "
                        + "localhost:8080");
        assertThatThrownBy(() -> ReplayOptions.parse(f, "--format", "parquet"))
                .hasMessage("--format must be online-retail or complete-journey but was parquet");
        assertThatThrownBy(() -> ReplayOptions.parse("--limit", "5"))
                .hasMessage("FILE is missing: which dataset should be replayed?");
        assertThatThrownBy(() -> ReplayOptions.parse(tmp.resolve("nope.csv").toString()))
                .hasMessageContaining("nope.csv does not exist");
        String unknown = file("events.csv").toString();
        assertThatThrownBy(() -> ReplayOptions.parse(unknown))
                .hasMessageContaining("pass --format online-retail or --format complete-journey");
        String cj = file("cj/transactions.csv").toString();
        assertThatThrownBy(() -> ReplayOptions.parse(cj)).hasMessageContaining("products.csv.gz does not exist");
    }

    @Test
    void helpIsNotAnError() {
        assertThat(ReplayOptions.parse("--help")).isNull();
        assertThat(ReplayOptions.parse("-h")).isNull();
    }
}
