package io.shoal.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.shoal.event.EventType;

/**
 * Maps one line of 84.51° Complete Journey transactions (household_id, basket_id, product_id, quantity,
 * sales_value, transaction_timestamp, ...) joined with its product to a {@code purchase}. Pure: no I/O.
 * <ul>
 * <li>userId = household_id, itemId = product_id, category = department.</li>
 * <li>text = the product's non-blank words from broad to narrow, then the brand:
 * {@code GROCERY / SOFT DRINKS / SOFT DRINKS 12/18&15PK CAN CAR / National} (the data has no titles).</li>
 * <li>quantity = quantity; price = sales_value / quantity rounded to cents (the unit price paid), none when the
 * quantity is 0.</li>
 * <li>occurredAt = transaction_timestamp ({@code 2017-01-28T14:06:53-0500}, offsets -0500 or -0400) as an
 * instant.</li>
 * <li>Skipped: products missing from the catalog or without any words, malformed numbers or timestamps.</li>
 * <li>eventId = {@code cj-<basket_id>-<product_id>-<line>}: the same file gives the same ids on every run.</li>
 * </ul>
 */
public final class CompleteJourneyMapper {

    private static final DateTimeFormatter COMPACT_OFFSET = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]XX", Locale.ROOT);

    private final ProductCatalog catalog;
    private final int householdId;
    private final int basketId;
    private final int productId;
    private final int quantity;
    private final int salesValue;
    private final int timestamp;

    /** @param header the transactions file's first record */
    public CompleteJourneyMapper(List<String> header, ProductCatalog catalog) {
        CsvColumns columns = new CsvColumns(header, "a Complete Journey transactions file", "household_id",
                "basket_id", "product_id", "quantity", "sales_value", "transaction_timestamp");
        this.catalog = catalog;
        this.householdId = columns.index("household_id");
        this.basketId = columns.index("basket_id");
        this.productId = columns.index("product_id");
        this.quantity = columns.index("quantity");
        this.salesValue = columns.index("sales_value");
        this.timestamp = columns.index("transaction_timestamp");
    }

    public MappingResult map(CsvRecord record) {
        String household = OnlineRetailMapper.blankToNull(record.field(householdId));
        if (household == null) {
            return malformed("household_id", "");
        }
        String product = OnlineRetailMapper.blankToNull(record.field(productId));
        if (product == null) {
            return malformed("product_id", "");
        }
        Optional<ProductCatalog.Product> details = catalog.find(product);
        if (details.isEmpty()) {
            return MappingResult.skipped(SkipReason.UNKNOWN_PRODUCT, "product_id " + product);
        }
        int units;
        BigDecimal sales;
        Instant occurredAt;
        try {
            units = Integer.parseInt(record.field(quantity).trim());
        } catch (NumberFormatException e) {
            return malformed("quantity", record.field(quantity));
        }
        try {
            sales = new BigDecimal(record.field(salesValue).trim());
        } catch (NumberFormatException e) {
            return malformed("sales_value", record.field(salesValue));
        }
        try {
            occurredAt = parseInstant(record.field(timestamp).trim());
        } catch (DateTimeParseException e) {
            return malformed("transaction_timestamp", record.field(timestamp));
        }
        Double price = units > 0 && sales.signum() >= 0
                ? sales.divide(BigDecimal.valueOf(units), 2, RoundingMode.HALF_UP).doubleValue()
                : null;
        ProductCatalog.Product p = details.get();
        String text = text(p);
        if (text.isEmpty()) {
            return MappingResult.skipped(SkipReason.BLANK_DESCRIPTION, "product_id " + product);
        }
        String basket = record.field(basketId).trim();
        return MappingResult.of(new ReplayEvent("cj-" + basket + "-" + product + "-" + record.lineNumber(),
                household, EventType.PURCHASE, product, text, p.department(), price, units, occurredAt));
    }

    /** Broad to narrow, then the brand; blank parts and a part equal to the one before are left out. */
    public static String text(ProductCatalog.Product p) {
        List<String> parts = Stream.of(p.department(), p.productCategory(), p.productType(), p.brand())
                .filter(Objects::nonNull).collect(Collectors.toList());
        for (int i = parts.size() - 1; i > 0; i--) {
            if (parts.get(i).equalsIgnoreCase(parts.get(i - 1))) {
                parts.remove(i);
            }
        }
        return String.join(" / ", parts);
    }

    static Instant parseInstant(String value) {
        try {
            return OffsetDateTime.parse(value, COMPACT_OFFSET).toInstant();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(value).toInstant();
        }
    }

    private static MappingResult malformed(String column, String value) {
        return MappingResult.skipped(SkipReason.MALFORMED_LINE, column + " '" + value + "'");
    }
}
