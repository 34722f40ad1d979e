package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;

/**
 * Maps src/test/resources/replay/complete-journey/: 28 transaction lines cut from the real sample (the first 24,
 * a coupon line whose product is not in the catalog, a product with a blank category, the gasoline line with the
 * largest quantity) and their 27 products rows.
 */
class CompleteJourneyMapperTest {

    static Map<Long, MappingResult> mapFixture() throws IOException {
        ProductCatalog catalog;
        try (CsvReader products = reader("/replay/complete-journey/products.csv")) {
            catalog = ProductCatalog.read(products);
        }
        Map<Long, MappingResult> results = new LinkedHashMap<>();
        try (CsvReader transactions = reader("/replay/complete-journey/transactions_sample.csv")) {
            CompleteJourneyMapper mapper = new CompleteJourneyMapper(transactions.next().fields(), catalog);
            for (CsvRecord r = transactions.next(); r != null; r = transactions.next()) {
                results.put(r.lineNumber(), mapper.map(r));
            }
        }
        return results;
    }

    private static CsvReader reader(String resource) {
        return new CsvReader(new InputStreamReader(
                Objects.requireNonNull(CompleteJourneyMapperTest.class.getResourceAsStream(resource)),
                StandardCharsets.UTF_8));
    }

    @Test
    void transactionsArePurchasesWithTextBuiltFromTheProduct() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        assertThat(results.get(2L).event()).isEqualTo(new ReplayEvent("cj-31625220889-940996-2", "2261",
                EventType.PURCHASE, "940996", "MEAT-PCKGD / LUNCHMEAT / HAM / Private", "MEAT-PCKGD", 3.86, 1,
                Instant.parse("2017-01-28T19:06:53Z")));
        // Summer offset -0400; two units: unit price 11.87 / 2 = 5.935 -> 5.94.
        assertThat(results.get(4L).event().occurredAt()).isEqualTo(Instant.parse("2017-03-26T17:22:21Z"));
        assertThat(results.get(5L).event()).isEqualTo(new ReplayEvent("cj-31932241118-13094913-5", "400",
                EventType.PURCHASE, "13094913", "MEAT / BEEF / ANGUS BEEF / National", "MEAT", 5.94, 2,
                Instant.parse("2017-02-18T18:13:10Z")));
        assertThat(results.get(16L).event().text())
                .isEqualTo("GROCERY / SOFT DRINKS / SOFT DRINKS 12/18&15PK CAN CAR / Private");
    }

    @Test
    void blankProductFieldsAreLeftOutOfTheText() throws IOException {
        assertThat(mapFixture().get(28L).event()).isEqualTo(new ReplayEvent("cj-33770287715-1005921-28", "2004",
                EventType.PURCHASE, "1005921", "CHEF SHOPPE / INSTORE CUT VEGETABLES / National", "CHEF SHOPPE",
                2.5, 1, Instant.parse("2017-06-24T23:56:09Z")));
    }

    @Test
    void productsMissingFromTheCatalogAreSkipped() throws IOException {
        Map<Long, MappingResult> results = mapFixture();

        assertThat(results.get(27L).skip()).isEqualTo(SkipReason.UNKNOWN_PRODUCT);
        assertThat(results.get(27L).detail()).isEqualTo("product_id 5978656");
        assertThat(results.values()).filteredOn(MappingResult::isSkipped).hasSize(1);
        assertThat(results).hasSize(28);
    }

    @Test
    void fuelKeepsItsQuantityAndGetsTheUnitPrice() throws IOException {
        // 75.00 for 32,623 units rounds to 0.00 per unit.
        assertThat(mapFixture().get(29L).event()).isEqualTo(new ReplayEvent("cj-35727256342-6534178-29", "2133",
                EventType.PURCHASE, "6534178", "FUEL / COUPON/MISC ITEMS / GASOLINE-REG UNLEADED / Private", "FUEL",
                0.0, 32623, Instant.parse("2017-09-06T19:35:25Z")));
    }

    @Test
    void idsAreTheSameOnEveryRunAndUniqueWithinTheFile() throws IOException {
        var first = mapFixture().values().stream().filter(r -> !r.isSkipped()).map(r -> r.event().eventId())
                .toList();
        var second = mapFixture().values().stream().filter(r -> !r.isSkipped()).map(r -> r.event().eventId())
                .toList();

        assertThat(first).hasSize(27).doesNotHaveDuplicates().isEqualTo(second);
    }

    @Test
    void aZeroQuantityHasNoUnitPrice() {
        ProductCatalog catalog = new ProductCatalog(Map.of("1", new ProductCatalog.Product("GROCERY", "SOUP",
                "SOUP", "National")));
        CompleteJourneyMapper mapper = new CompleteJourneyMapper(java.util.List.of("household_id", "basket_id",
                "product_id", "quantity", "sales_value", "transaction_timestamp"), catalog);

        ReplayEvent event = mapper.map(new CsvRecord(9, java.util.List.of("7", "42", "1", "0", "0",
                "2017-01-13T20:15:04-0500"), "")).event();

        assertThat(event.price()).isNull();
        assertThat(event.quantity()).isZero();
        assertThat(event.text()).isEqualTo("GROCERY / SOUP / National");
    }
}
