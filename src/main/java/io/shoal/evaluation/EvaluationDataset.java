package io.shoal.evaluation;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import io.shoal.inference.ModelText;
import io.shoal.inference.TextNormalizer;
import io.shoal.replay.CsvReader;
import io.shoal.replay.CsvRecord;
import io.shoal.replay.DatasetFormat;
import io.shoal.replay.DatasetReader;
import io.shoal.replay.MappingResult;
import io.shoal.replay.ReplayEvent;

/**
 * A real dataset read through the replay's mappers (the same events {@code ./shoal replay} sends), in event-time
 * order, plus the household labels where the dataset has them.
 *
 * @param format       which dataset
 * @param events       the first {@code limit} mapped events that carry a text, sorted by event time (stable)
 * @param linesRead    source lines read
 * @param skipped      source lines the mapper skipped, or that had no text
 * @param labels       per label kind (e.g. household_comp, income), user id to class; empty for Online Retail
 */
public record EvaluationDataset(DatasetFormat format, List<EvaluationEvent> events, long linesRead, long skipped,
        Map<String, Map<String, String>> labels) {

    /** The label columns of Complete Journey's demographics.csv that the report compares segments with. */
    public static final List<String> LABEL_COLUMNS = List.of("household_comp", "income");

    /**
     * Reads {@code dataDir/online-retail/online-retail.csv.gz} or {@code dataDir/complete-journey/...}.
     *
     * @param limit at most this many events (the first ones of the file); ≤ 0 for all
     */
    public static EvaluationDataset read(Path dataDir, DatasetFormat format, int limit, TextNormalizer normalizer)
            throws IOException {
        Path file;
        Path products = null;
        if (format == DatasetFormat.ONLINE_RETAIL) {
            file = dataDir.resolve("online-retail/online-retail.csv.gz");
        } else {
            file = dataDir.resolve("complete-journey/transactions_sample.csv.gz");
            products = dataDir.resolve("complete-journey/products.csv.gz");
        }
        List<EvaluationEvent> events = new ArrayList<>();
        long lines = 0;
        long skipped = 0;
        try (DatasetReader reader = DatasetReader.open(file, format, products)) {
            MappingResult r;
            while ((limit <= 0 || events.size() < limit) && (r = reader.next()) != null) {
                lines++;
                ReplayEvent e = r.event();
                if (e == null || e.text() == null) {
                    skipped++;
                    continue;
                }
                events.add(new EvaluationEvent(e.userId(), e.type(), e.itemId(), normalizer.normalise(ModelText.document(e.text(), e.category())),
                        e.occurredAt().toEpochMilli()));
            }
        }
        events.sort(Comparator.comparingLong(EvaluationEvent::eventMillis));
        Map<String, Map<String, String>> labels = new HashMap<>();
        if (format == DatasetFormat.COMPLETE_JOURNEY) {
            labels = readLabels(dataDir.resolve("complete-journey/demographics.csv.gz"));
        }
        return new EvaluationDataset(format, List.copyOf(events), lines, skipped, labels);
    }

    /** household_id to class, per column of {@link #LABEL_COLUMNS}. */
    static Map<String, Map<String, String>> readLabels(Path demographics) throws IOException {
        Map<String, Map<String, String>> labels = new HashMap<>();
        try (CsvReader csv = new CsvReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(demographics)), StandardCharsets.UTF_8))) {
            CsvRecord header = csv.next();
            int household = header.fields().indexOf("household_id");
            if (household < 0) {
                throw new IllegalArgumentException(demographics + " has no household_id column: " + header.fields());
            }
            CsvRecord row;
            while ((row = csv.next()) != null) {
                for (String column : LABEL_COLUMNS) {
                    int c = header.fields().indexOf(column);
                    if (c < 0) {
                        throw new IllegalArgumentException(demographics + " has no " + column + " column");
                    }
                    String value = row.field(c).trim();
                    if (!value.isEmpty()) {
                        labels.computeIfAbsent(column, x -> new HashMap<>()).put(row.field(household).trim(), value);
                    }
                }
            }
        }
        return labels;
    }
}
