package io.shoal.replay;

import java.util.List;

/**
 * One record of a CSV file.
 *
 * @param lineNumber the physical line (1-based, the header is line 1) on which the record starts
 * @param fields     the unquoted field values, in column order
 * @param raw        the record's text as it stands in the file, without its line terminator
 */
public record CsvRecord(long lineNumber, List<String> fields, String raw) {

    /** The field at {@code index}, or the empty string when the record is shorter than the header. */
    public String field(int index) {
        return index < fields.size() ? fields.get(index) : "";
    }
}
