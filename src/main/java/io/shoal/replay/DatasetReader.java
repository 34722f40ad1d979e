package io.shoal.replay;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads a dataset file (plain or gzip CSV, told apart by the gzip magic bytes) line by line through its mapper.
 * Knows how far into the file it is, for the ETA.
 */
public final class DatasetReader implements LineSource, AutoCloseable {

    private final CountingInputStream counted;
    private final long fileSize;
    private final CsvReader csv;
    private final Function<CsvRecord, MappingResult> mapper;

    private DatasetReader(CountingInputStream counted, long fileSize, CsvReader csv,
            Function<CsvRecord, MappingResult> mapper) {
        this.counted = counted;
        this.fileSize = fileSize;
        this.csv = csv;
        this.mapper = mapper;
    }

    /**
     * Opens {@code file} in {@code format}; Complete Journey also reads {@code products} (the catalog) first.
     *
     * @throws IllegalArgumentException when the header lacks a column the mapper needs
     */
    public static DatasetReader open(Path file, DatasetFormat format, Path products) throws IOException {
        CountingInputStream counted = new CountingInputStream(Files.newInputStream(file));
        CsvReader csv = new CsvReader(new InputStreamReader(decompressed(counted), StandardCharsets.UTF_8));
        try {
            CsvRecord header = csv.next();
            if (header == null) {
                throw new IOException(file + " is empty");
            }
            Function<CsvRecord, MappingResult> mapper;
            if (format == DatasetFormat.ONLINE_RETAIL) {
                mapper = new OnlineRetailMapper(header.fields(), OnlineRetailMapper.DEFAULT_ZONE)::map;
            } else {
                ProductCatalog catalog;
                try (CsvReader productCsv = new CsvReader(new InputStreamReader(
                        decompressed(Files.newInputStream(products)), StandardCharsets.UTF_8))) {
                    catalog = ProductCatalog.read(productCsv);
                }
                mapper = new CompleteJourneyMapper(header.fields(), catalog)::map;
            }
            return new DatasetReader(counted, Files.size(file), csv, mapper);
        } catch (IOException | RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    @Override
    public MappingResult next() throws IOException {
        CsvRecord record = csv.next();
        return record == null ? null : mapper.apply(record);
    }

    @Override
    public double fractionRead() {
        return fileSize == 0 ? 1 : Math.min(1, (double) counted.count / fileSize);
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }

    /** Wraps {@code raw} in gzip decompression when it starts with the gzip magic bytes. */
    static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Counts the bytes taken from the file (before decompression); read by the progress thread. */
    private static final class CountingInputStream extends FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
