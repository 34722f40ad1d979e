package io.shoal.replay;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/** The datasets the replay understands. */
public enum DatasetFormat {
    /** UCI Online Retail: one CSV of invoice lines. */
    ONLINE_RETAIL("online-retail"),
    /** 84.51° Complete Journey: transactions joined with products.csv from the same folder. */
    COMPLETE_JOURNEY("complete-journey");

    private final String optionName;

    DatasetFormat(String optionName) {
        this.optionName = optionName;
    }

    /** The name used by {@code --format} and in the summary. */
    public String optionName() {
        return optionName;
    }

    /**
     * Midnight of {@code date} in the data's own time zone: a cutoff date means the same instant to the replay
     * ({@code --before}), the evaluation and the check against a running service. Online Retail's invoice times are
     * Europe/London ({@link OnlineRetailMapper#DEFAULT_ZONE}); Complete Journey's carry their offset, read as UTC.
     */
    public Instant startOfDay(LocalDate date) {
        ZoneId zone = this == ONLINE_RETAIL ? OnlineRetailMapper.DEFAULT_ZONE : ZoneOffset.UTC;
        return date.atStartOfDay(zone).toInstant();
    }

    public static Optional<DatasetFormat> parse(String name) {
        for (DatasetFormat f : values()) {
            if (f.optionName.equalsIgnoreCase(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Guesses the format from the file name or its folder: {@code online-retail*} or {@code online_retail*}, and
     * {@code transactions*} or anything under a {@code complete-journey} folder.
     */
    public static Optional<DatasetFormat> detect(Path file) {
        Path name = file.getFileName();
        Path parent = file.toAbsolutePath().normalize().getParent();
        String fileName = name == null ? "" : name.toString().toLowerCase(Locale.ROOT).replace('_', '-');
        String folder = parent == null || parent.getFileName() == null ? ""
                : parent.getFileName().toString().toLowerCase(Locale.ROOT).replace('_', '-');
        if (fileName.contains("online-retail") || folder.equals("online-retail")) {
            return Optional.of(ONLINE_RETAIL);
        }
        if (fileName.contains("complete-journey") || fileName.startsWith("transactions")
                || folder.equals("complete-journey")) {
            return Optional.of(COMPLETE_JOURNEY);
        }
        return Optional.empty();
    }
}
