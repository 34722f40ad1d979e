package io.shoal.replay;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

import io.shoal.event.EventType;

/**
 * Maps one line of UCI Online Retail (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
 * CustomerID, Country) to an event. Pure: no I/O.
 * <ul>
 * <li>An invoice line is a {@code purchase}: text = Description (trimmed), itemId = StockCode, price = UnitPrice,
 * quantity = Quantity.</li>
 * <li>A cancellation (InvoiceNo starting with "C", or a negative Quantity) is a {@code remove_from_cart} with the
 * same item and the number of units taken back as a positive quantity.</li>
 * <li>InvoiceDate has no zone ({@code 2010-12-01 08:26:00}, or {@code 12/1/2010 8:26} in the original spreadsheet
 * export); it is the retailer's wall-clock time, so it is read in Europe/London (GMT in winter, BST in summer).</li>
 * <li>CustomerID is written as a float ({@code 17850.0}); the userId is its integer form ({@code 17850}).</li>
 * <li>Skipped: lines without CustomerID, purchases without Description (a removal keeps its itemId), negative
 * prices (bad-debt adjustments), malformed numbers or dates.</li>
 * <li>eventId = {@code or-<line>-<crc32 of the line>}: the same file gives the same ids on every run.</li>
 * </ul>
 */
public final class OnlineRetailMapper {

    /** The retailer is in the UK; InvoiceDate is local time there. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/London");

    private static final DateTimeFormatter ISO_LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']H:mm[:ss]",
            Locale.ROOT);
    private static final DateTimeFormatter SPREADSHEET = DateTimeFormatter.ofPattern("M/d/yyyy H:mm[:ss]",
            Locale.ROOT);

    private final ZoneId zone;
    private final int invoiceNo;
    private final int stockCode;
    private final int description;
    private final int quantity;
    private final int invoiceDate;
    private final int unitPrice;
    private final int customerId;

    /** @param header the file's first record; every column above must be present */
    public OnlineRetailMapper(List<String> header, ZoneId zone) {
        CsvColumns columns = new CsvColumns(header, "an Online Retail file", "InvoiceNo", "StockCode", "Description",
                "Quantity", "InvoiceDate", "UnitPrice", "CustomerID");
        this.zone = zone;
        this.invoiceNo = columns.index("InvoiceNo");
        this.stockCode = columns.index("StockCode");
        this.description = columns.index("Description");
        this.quantity = columns.index("Quantity");
        this.invoiceDate = columns.index("InvoiceDate");
        this.unitPrice = columns.index("UnitPrice");
        this.customerId = columns.index("CustomerID");
    }

    public MappingResult map(CsvRecord record) {
        String customer = record.field(customerId).trim();
        if (customer.isEmpty()) {
            return MappingResult.skipped(SkipReason.MISSING_CUSTOMER_ID, null);
        }
        String userId;
        int units;
        BigDecimal price;
        LocalDateTime localTime;
        try {
            userId = integerForm(customer);
        } catch (NumberFormatException e) {
            return malformed("CustomerID", customer);
        }
        try {
            units = Integer.parseInt(record.field(quantity).trim());
        } catch (NumberFormatException e) {
            return malformed("Quantity", record.field(quantity));
        }
        try {
            price = new BigDecimal(record.field(unitPrice).trim());
        } catch (NumberFormatException e) {
            return malformed("UnitPrice", record.field(unitPrice));
        }
        try {
            localTime = parseLocal(record.field(invoiceDate).trim());
        } catch (DateTimeParseException e) {
            return malformed("InvoiceDate", record.field(invoiceDate));
        }
        String itemId = blankToNull(record.field(stockCode));
        if (itemId == null) {
            return malformed("StockCode", "");
        }
        if (price.signum() < 0) {
            return MappingResult.skipped(SkipReason.NEGATIVE_PRICE, "UnitPrice " + price.toPlainString());
        }
        boolean cancellation = record.field(invoiceNo).trim().toUpperCase(Locale.ROOT).startsWith("C") || units < 0;
        EventType type = cancellation ? EventType.REMOVE_FROM_CART : EventType.PURCHASE;
        String text = blankToNull(record.field(description));
        if (text == null && type.textRequired()) {
            return MappingResult.skipped(SkipReason.BLANK_DESCRIPTION, null);
        }
        return MappingResult.of(new ReplayEvent(eventId(record), userId, type, itemId, text, null,
                price.doubleValue(), cancellation ? Math.abs(units) : units, localTime.atZone(zone).toInstant()));
    }

    static String eventId(CsvRecord record) {
        CRC32 crc = new CRC32();
        crc.update(record.raw().getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "or-%d-%08x", record.lineNumber(), crc.getValue());
    }

    /** {@code 17850.0} -> {@code 17850}; an id with a real fraction is kept as written. */
    static String integerForm(String customer) {
        BigDecimal value = new BigDecimal(customer).stripTrailingZeros();
        return value.scale() <= 0 ? value.toBigInteger().toString() : customer;
    }

    private static LocalDateTime parseLocal(String value) {
        return value.indexOf('/') >= 0 ? LocalDateTime.parse(value, SPREADSHEET) : LocalDateTime.parse(value, ISO_LOCAL);
    }

    private static MappingResult malformed(String column, String value) {
        return MappingResult.skipped(SkipReason.MALFORMED_LINE, column + " '" + value + "'");
    }

    static String blankToNull(String value) {
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
