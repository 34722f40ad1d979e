package io.shoal.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Column positions by header name (case-insensitive), checked once against the names a mapper needs. */
final class CsvColumns {

    private final Map<String, Integer> positions = new HashMap<>();

    CsvColumns(List<String> header, String what, String... required) {
        for (int i = 0; i < header.size(); i++) {
            positions.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        for (String name : required) {
            if (!positions.containsKey(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(what + " must have a column " + name + " but its header was "
                        + header);
            }
        }
    }

    int index(String name) {
        return positions.get(name.toLowerCase(Locale.ROOT));
    }
}
