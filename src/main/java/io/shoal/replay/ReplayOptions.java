package io.shoal.replay;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The command line of {@code ./shoal replay}.
 *
 * @param file        the dataset (CSV, gzip or not)
 * @param format      the dataset's format, from {@code --format} or the file name
 * @param products    Complete Journey's products file (default: products.csv.gz or products.csv next to FILE)
 * @param rate        {@code --rate}: events per second, or null
 * @param speedup     {@code --speedup}: event-time factor, or null
 * @param limit       lines to read at most; 0 for all
 * @param batch       events per request, 1..1000
 * @param concurrency requests in flight, 1..64
 * @param endpoint    the full URL of {@code POST /v1/events}
 * @param summaryJson where to write the summary as JSON, or null
 * @param simulateFeedback {@code --simulate-feedback}: show each basket's shopper recommendations first and send back
 *                    impressions and clicks ({@link FeedbackSimulator})
 * @param before      {@code --before}: events at or after this instant are skipped (reason after-cutoff), or null
 * @param skip        {@code --skip}: lines of the file passed over before the replay starts (not read into the
 *                    summary, and not counted by {@code limit}); 0 for none
 */
public record ReplayOptions(
        Path file,
        DatasetFormat format,
        Path products,
        Double rate,
        Double speedup,
        long limit,
        int batch,
        int concurrency,
        URI endpoint,
        Path summaryJson,
        boolean simulateFeedback,
        Instant before,
        long skip) {

    /** Without simulated feedback, every event. */
    public ReplayOptions(Path file, DatasetFormat format, Path products, Double rate, Double speedup, long limit,
            int batch, int concurrency, URI endpoint, Path summaryJson) {
        this(file, format, products, rate, speedup, limit, batch, concurrency, endpoint, summaryJson, false, null, 0);
    }

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final int DEFAULT_BATCH = 500;
    public static final int MAX_BATCH = 1000;
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final int MAX_CONCURRENCY = 64;

    public static final String USAGE = """
            Usage: ./shoal replay FILE [options]

            Streams a dataset into a running Shoal service over POST /v1/events.

              FILE                    ../shared/data/online-retail/online-retail.csv.gz (UCI Online Retail) or
                                      ../shared/data/complete-journey/transactions_sample.csv.gz (84.51° Complete
                                      Journey, joined with products.csv.gz from the same folder); gzip or plain CSV
              --format F              online-retail | complete-journey (default: from the file name)
              --products FILE         Complete Journey products file (default: products.csv.gz or
                                      products.csv next to FILE)
              --rate N[/s]            pace at N events per second
              --speedup X             pace by event time, X times faster than it happened (the data span a year:
                                      3600 replays an hour per second)
                                      (default: neither, as fast as the service takes them)
              --limit N               read at most N lines of FILE
              --skip N                start after the first N lines of FILE, e.g. to resume an interrupted
                                      replay at its summary's linesRead (with --limit: lines N+1..N+limit;
                                      the skipped lines are not in the summary)
              --batch N               events per request, 1..1000 (default 500)
              --concurrency N         requests in flight, 1..64 (default 4; 1 keeps file order)
              --url URL               the service (default http://127.0.0.1:8080; /v1/events is added when the
                                      URL has no path)
              --summary-json FILE     also write the final summary as JSON
              --before DATE           send only events before DATE (YYYY-MM-DD, midnight in the data's time
                                      zone: Europe/London for Online Retail, UTC otherwise); later ones are
                                      skipped as after-cutoff (what ./shoal rec-check holds out)
              --simulate-feedback     before each basket, ask the shopper's recommendations and send back an
                                      impression per item shown and a click per shown item the basket holds
                                      (so the service's CTR and conversion per strategy and segment fill up)
              -h, --help              this text

            Online Retail: a purchase per invoice line (cancellations are remove_from_cart), InvoiceDate read as
            Europe/London time; lines without CustomerID are skipped and counted. Event ids derive from the line,
            so replaying twice sends only duplicates.
            Exit codes: 0 done (rejected events are counted, not fatal), 1 failed, 2 service unreachable,
            64 bad command line, 130 interrupted (the summary is still printed and written).
            """;

    /** Parses and checks the arguments; null means {@code --help} was asked for. */
    public static ReplayOptions parse(String... args) {
        Path file = null;
        String format = null;
        String products = null;
        Double rate = null;
        Double speedup = null;
        long limit = 0;
        long skip = 0;
        int batch = DEFAULT_BATCH;
        int concurrency = DEFAULT_CONCURRENCY;
        String url = DEFAULT_URL;
        Path summaryJson = null;
        boolean simulateFeedback = false;
        String before = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return null;
            }
            if (arg.equals("--simulate-feedback")) {
                simulateFeedback = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                if (arg.startsWith("-") && arg.length() > 1) {
                    throw new ReplayUsageException("unknown option " + arg);
                }
                if (file != null) {
                    throw new ReplayUsageException("one FILE is replayed at a time but got " + file + " and " + arg);
                }
                file = Path.of(arg);
                continue;
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (isKnown(name)) {
                if (i + 1 >= args.length) {
                    throw new ReplayUsageException(name + " needs a value");
                }
                value = args[++i];
            } else {
                throw new ReplayUsageException("unknown option " + arg);
            }
            switch (name) {
                case "--format" -> format = value;
                case "--products" -> products = value;
                case "--rate" -> rate = positiveNumber(name,
                        value.toLowerCase(Locale.ROOT).endsWith("/s") ? value.substring(0, value.length() - 2) : value);
                case "--speedup" -> speedup = positiveNumber(name, value);
                case "--limit" -> limit = integer(name, value, 1, Long.MAX_VALUE);
                case "--skip" -> skip = integer(name, value, 0, Long.MAX_VALUE);
                case "--batch" -> batch = (int) integer(name, value, 1, MAX_BATCH);
                case "--concurrency" -> concurrency = (int) integer(name, value, 1, MAX_CONCURRENCY);
                case "--url" -> url = value;
                case "--summary-json" -> summaryJson = Path.of(value);
                case "--before" -> before = value;
                default -> throw new ReplayUsageException("unknown option " + name);
            }
        }
        if (file == null) {
            throw new ReplayUsageException("FILE is missing: which dataset should be replayed?");
        }
        if (rate != null && speedup != null) {
            throw new ReplayUsageException("--rate and --speedup exclude each other: pace by count or by event time");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ReplayUsageException("FILE " + file + " does not exist or cannot be read");
        }
        DatasetFormat dataset;
        if (format != null) {
            String given = format;
            dataset = DatasetFormat.parse(format).orElseThrow(() -> new ReplayUsageException(
                    "--format must be online-retail or complete-journey but was " + given));
        } else {
            Path given = file;
            dataset = DatasetFormat.detect(file).orElseThrow(() -> new ReplayUsageException(
                    "cannot tell the format of " + given + " from its name: pass --format online-retail or"
                            + " --format complete-journey"));
        }
        Path productsFile = null;
        if (dataset == DatasetFormat.COMPLETE_JOURNEY) {
            productsFile = products != null ? Path.of(products) : defaultProducts(file);
            if (!Files.isRegularFile(productsFile)) {
                throw new ReplayUsageException((products != null ? "--products " : "the products file ")
                        + productsFile + " does not exist" + (products != null ? "" : ": pass --products FILE"));
            }
        } else if (products != null) {
            throw new ReplayUsageException("--products applies to complete-journey only, but the format is "
                    + dataset.optionName());
        }
        Instant cutoff = null;
        if (before != null) {
            try {
                cutoff = dataset.startOfDay(LocalDate.parse(before.trim()));
            } catch (DateTimeParseException e) {
                throw new ReplayUsageException("--before must be a date like 2011-10-01 but was " + before);
            }
        }
        return new ReplayOptions(file, dataset, productsFile, rate, speedup, limit, batch, concurrency,
                endpoint(url), summaryJson, simulateFeedback, cutoff, skip);
    }

    /** products.csv.gz next to the transactions, else products.csv. */
    private static Path defaultProducts(Path transactions) {
        Path gzipped = transactions.toAbsolutePath().resolveSibling("products.csv.gz");
        Path plain = gzipped.resolveSibling("products.csv");
        return Files.isRegularFile(gzipped) || !Files.isRegularFile(plain) ? gzipped : plain;
    }

    private static boolean isKnown(String name) {
        return switch (name) {
            case "--format", "--products", "--rate", "--speedup", "--limit", "--batch", "--concurrency", "--url",
                    "--summary-json", "--before", "--skip" -> true;
            default -> false;
        };
    }

    static URI endpoint(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw badUrl(url);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw badUrl(url);
        }
        String path = uri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? uri.resolve("/v1/events") : uri;
    }

    private static ReplayUsageException badUrl(String url) {
        return new ReplayUsageException("--url must be an http:// or https:// URL such as " + DEFAULT_URL
                + " but was " + url);
    }

    private static double positiveNumber(String option, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ReplayUsageException(option + " must be a positive number but was " + value);
        }
        if (!(parsed > 0) || Double.isInfinite(parsed)) {
            throw new ReplayUsageException(option + " must be a positive number but was " + value);
        }
        return parsed;
    }

    private static long integer(String option, String value, long min, long max) {
        String expected = max == Long.MAX_VALUE ? (min == 0 ? "an integer >= 0" : "a positive integer")
                : "an integer in [" + min + ", " + max + "]";
        long parsed;
        try {
            parsed = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ReplayUsageException(option + " must be " + expected + " but was " + value);
        }
        if (parsed < min || parsed > max) {
            throw new ReplayUsageException(option + " must be " + expected + " but was " + value);
        }
        return parsed;
    }
}
