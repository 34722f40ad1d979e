package io.shoal.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The Description column of the UCI Online Retail data set, in file order, as a replay of product titles. */
final class OnlineRetail {

    /** Where the gzip CSV lies; override with -Dshoal.bench.retail=PATH. */
    static final Path FILE = Path.of(System.getProperty("shoal.bench.retail",
            "../shared/data/online-retail/online-retail.csv.gz"));

    private OnlineRetail() {
    }

    /** The first {@code limit} non-blank descriptions. */
    static List<String> descriptions(int limit) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(FILE)), StandardCharsets.UTF_8))) {
            List<String> header = fields(reader.readLine());
            int column = header.indexOf("Description");
            if (column < 0) {
                throw new IllegalStateException("no Description column in " + FILE + ": " + header);
            }
            List<String> out = new ArrayList<>();
            String line;
            while (out.size() < limit && (line = reader.readLine()) != null) {
                List<String> row = fields(line);
                if (row.size() > column && !row.get(column).isBlank()) {
                    out.add(row.get(column));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    /** Splits one CSV line; fields may be double-quoted with "" for a quote inside. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
