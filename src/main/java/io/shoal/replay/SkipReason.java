package io.shoal.replay;

import java.util.Locale;

/** Why a source line produced no event. Counted per reason in the summary. */
public enum SkipReason {
    /** Online Retail line without CustomerID: it cannot be attributed to a shopper. */
    MISSING_CUSTOMER_ID,
    /** Blank item text on a type that requires text (a purchase). */
    BLANK_DESCRIPTION,
    /** Negative unit price (Online Retail's "Adjust bad debt" lines); the service rejects prices below 0. */
    NEGATIVE_PRICE,
    /** Complete Journey transaction whose product_id is not in products.csv. */
    UNKNOWN_PRODUCT,
    /** A number or timestamp that does not parse, or a missing required field. */
    MALFORMED_LINE,
    /** An event at or after {@code --before}: left for a hold-out check ({@code ./shoal rec-check}). */
    AFTER_CUTOFF;

    /** The name used in the summary and its JSON, e.g. {@code missing-customer-id}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
