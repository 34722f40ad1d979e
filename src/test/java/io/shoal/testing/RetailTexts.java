package io.shoal.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Real product descriptions from the UCI Online Retail data in ../shared/data, grouped into kinds by a keyword
 * that only that kind's descriptions contain.
 */
public final class RetailTexts {

    public static final Path ONLINE_RETAIL = Path.of("..", "shared", "data", "online-retail", "online-retail.csv.gz");

    private RetailTexts() {
    }

    /** Distinct descriptions per keyword, each containing its keyword and none of the others. */
    public static Map<String, List<String>> byKeyword(String... keywords) {
        if (!Files.exists(ONLINE_RETAIL)) {
            throw new IllegalStateException("test data missing: " + ONLINE_RETAIL.toAbsolutePath()
                    + " (the repository expects ../shared/data beside it)");
        }
        Map<String, Set<String>> found = new LinkedHashMap<>();
        for (String k : keywords) {
            found.put(k, new LinkedHashSet<>());
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(ONLINE_RETAIL)), StandardCharsets.UTF_8))) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                String[] cols = line.split(",", -1);
                if (cols.length < 3 || cols[2].isBlank() || cols[2].startsWith("\"")) {
                    continue;
                }
                String d = cols[2].trim();
                String match = null;
                int matches = 0;
                for (String k : keywords) {
                    if (d.contains(k)) {
                        match = k;
                        matches++;
                    }
                }
                if (matches == 1) {
                    found.get(match).add(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        found.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }
}
