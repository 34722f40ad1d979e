package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;

/**
 * Maps src/test/resources/replay/online-retail-sample.csv: 32 lines cut from the real file (CRLF line ends kept),
 * with quoted descriptions, cancellations, lines without CustomerID, a summer (BST) date and the bad-debt lines.
 * Event ids were computed independently: "or-" + fixture line + CRC-32 of the line without its CRLF (Python zlib).
 */
class OnlineRetailMapperTest {

    static final List<String> HEADER = List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
            "UnitPrice", "CustomerID", "Country");

    /** Fixture line number -> mapping result. */
    static Map<Long, MappingResult> mapFixture() throws IOException {
        Map<Long, MappingResult> results = new LinkedHashMap<>();
        try (CsvReader reader = new CsvReader(new InputStreamReader(Objects.requireNonNull(
                OnlineRetailMapperTest.class.getResourceAsStream("/replay/online-retail-sample.csv")),
                StandardCharsets.UTF_8))) {
            OnlineRetailMapper mapper = new OnlineRetailMapper(reader.next().fields(), OnlineRetailMapper.DEFAULT_ZONE);
            for (CsvRecord r = reader.next(); r != null; r = reader.next()) {
                results.put(r.lineNumber(), mapper.map(r));
            }
        }
        return results;
    }

    @Test
    void invoiceLinesArePurchasesInLondonTime() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        assertThat(results.get(2L).event()).isEqualTo(new ReplayEvent("or-2-6178729d", "17850", EventType.PURCHASE,
                "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", null, 2.55, 6, Instant.parse("2010-12-01T08:26:00Z")));
        // Summer: 07:37 in London is 06:37 UTC.
        assertThat(results.get(27L).event()).isEqualTo(new ReplayEvent("or-27-0ad833e6", "15643",
                EventType.PURCHASE, "23299", "FOOD COVER WITH BEADS SET 2", null, 3.75, 6,
                Instant.parse("2011-06-01T06:37:00Z")));
        assertThat(results.get(33L).event()).isEqualTo(new ReplayEvent("or-33-bad09ecc", "12680",
                EventType.PURCHASE, "23255", "CHILDRENS CUTLERY CIRCUS PARADE", null, 4.15, 4,
                Instant.parse("2011-12-09T12:50:00Z")));
    }

    @Test
    void quotedDescriptionsKeepTheirCommasAndQuotes() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        assertThat(results.get(17L).event()).isEqualTo(new ReplayEvent("or-17-7ae17c98", "15311",
                EventType.PURCHASE, "82567", "AIRLINE LOUNGE,METAL SIGN", null, 2.1, 2,
                Instant.parse("2010-12-01T09:41:00Z")));
        assertThat(results.get(20L).event().text()).isEqualTo("FANCY FONT BIRTHDAY CARD,");
        assertThat(results.get(22L).event()).isEqualTo(new ReplayEvent("or-22-9761b89d", "16210",
                EventType.PURCHASE, "22041", "RECORD FRAME 7\" SINGLE SIZE", null, 2.1, 48,
                Instant.parse("2010-12-01T12:27:00Z")));
    }

    @Test
    void cancellationsRemoveTheUnitsFromTheCart() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        assertThat(results.get(19L).event()).isEqualTo(new ReplayEvent("or-19-9fe2d84f", "15311",
                EventType.REMOVE_FROM_CART, "35004C", "SET OF 3 COLOURED  FLYING DUCKS", null, 4.65, 1,
                Instant.parse("2010-12-01T09:49:00Z")));
        assertThat(results.get(29L).event()).isEqualTo(new ReplayEvent("or-29-0ae8f8ae", "13089",
                EventType.REMOVE_FROM_CART, "22801", "ANTIQUE GLASS PEDESTAL BOWL", null, 3.75, 6,
                Instant.parse("2011-07-05T11:19:00Z")));
    }

    @Test
    void linesWithoutCustomerAreSkippedAndEveryOtherLineGivesAnEvent() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        List<Long> skipped = new ArrayList<>();
        results.forEach((line, r) -> {
            if (r.isSkipped()) {
                assertThat(r.skip()).as("line %d", line).isEqualTo(SkipReason.MISSING_CUSTOMER_ID);
                skipped.add(line);
            }
        });
        assertThat(skipped).containsExactly(21L, 24L, 25L, 30L, 31L);
        assertThat(results).hasSize(32);
    }

    @Test
    void idsAreTheSameOnEveryRunAndUniqueWithinTheFile() throws IOException {
        List<String> first = mapFixture().values().stream().filter(r -> !r.isSkipped()).map(r -> r.event().eventId())
                .toList();
        List<String> second = mapFixture().values().stream().filter(r -> !r.isSkipped())
                .map(r -> r.event().eventId()).toList();

        assertThat(first).hasSize(27).doesNotHaveDuplicates().isEqualTo(second);
    }

    // The real file has no such lines (its blank descriptions and negative prices all lack a CustomerID), so these
    // records are written by hand.

    @Test
    void aBlankDescriptionSkipsAPurchaseButARemovalKeepsItsItemId() {
        OnlineRetailMapper mapper = new OnlineRetailMapper(HEADER, OnlineRetailMapper.DEFAULT_ZONE);

        MappingResult purchase = mapper.map(record(7, "536414,22139, ,56,2010-12-01 11:52:00,0.0,17850.0,UK"));
        MappingResult removal = mapper.map(record(8, "C536415,22139,,-3,2010-12-01 11:53:00,1.0,17850.0,UK"));

        assertThat(purchase.skip()).isEqualTo(SkipReason.BLANK_DESCRIPTION);
        assertThat(removal.event()).isEqualTo(new ReplayEvent(OnlineRetailMapper.eventId(record(8,
                "C536415,22139,,-3,2010-12-01 11:53:00,1.0,17850.0,UK")), "17850", EventType.REMOVE_FROM_CART,
                "22139", null, null, 1.0, 3, Instant.parse("2010-12-01T11:53:00Z")));
    }

    @Test
    void negativePricesAndBadNumbersAreSkippedWithTheirReason() {
        OnlineRetailMapper mapper = new OnlineRetailMapper(HEADER, OnlineRetailMapper.DEFAULT_ZONE);

        assertThat(mapper.map(record(2, "A563186,B,Adjust bad debt,1,2011-08-12 14:51:00,-11062.06,1.0,UK")).skip())
                .isEqualTo(SkipReason.NEGATIVE_PRICE);
        MappingResult bad = mapper.map(record(3, "536365,71053,LANTERN,six,2010-12-01 08:26:00,3.39,17850.0,UK"));
        assertThat(bad.skip()).isEqualTo(SkipReason.MALFORMED_LINE);
        assertThat(bad.detail()).isEqualTo("Quantity 'six'");
    }

    @Test
    void theSpreadsheetDateFormatIsReadToo() {
        OnlineRetailMapper mapper = new OnlineRetailMapper(HEADER, OnlineRetailMapper.DEFAULT_ZONE);

        assertThat(mapper.map(record(2, "536365,71053,LANTERN,6,12/1/2010 8:26,3.39,17850.0,UK")).event()
                .occurredAt()).isEqualTo(Instant.parse("2010-12-01T08:26:00Z"));
        assertThat(mapper.map(record(2, "555156,23299,COVER,6,6/1/2011 7:37,3.75,15643.0,UK")).event()
                .occurredAt()).isEqualTo(Instant.parse("2011-06-01T06:37:00Z"));
    }

    private static CsvRecord record(long line, String text) {
        return new CsvRecord(line, List.of(text.split(",", -1)), text);
    }
}
