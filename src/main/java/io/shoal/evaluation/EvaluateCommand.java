package io.shoal.evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.shoal.config.SegmentationDefaults;
import io.shoal.inference.ModelSpec;
import io.shoal.inference.TextNormalizer;
import io.shoal.recommendation.ItemFilter;
import io.shoal.recommendation.Strategy;
import io.shoal.replay.DatasetFormat;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/**
 * {@code ./shoal evaluate}: the offline quality report of the segmentation engine on the real datasets. A plain
 * main (no Quarkus boot): reads the data, embeds each distinct text once (cached on disk), replays the streams
 * through the engine in memory and prints the report; {@code --json FILE} also writes every number.
 */
public final class EvaluateCommand {

    static final String USAGE = """
            Usage: ./shoal evaluate [--dataset online-retail|complete-journey|clear-structure|all] [--limit N] [--k K]
                                    [--seeds N] [--json FILE] [--data DIR] [--cache DIR]
                                    [--cutoff YYYY-MM-DD] [--report full|recommendations]

              --dataset   which real dataset (default all); clear-structure: synthetic shoppers who each buy within
                          one Complete Journey product category (known labels)
              --seeds     seeds of the clear-structure check (default 10)
              --limit     replay only the first N events of each dataset (default 100000; 0 = all)
              --k         number of segments (default: the service's shoal.segmentation.k)
              --json      also write every number to FILE
              --data      folder holding online-retail/ and complete-journey/ (default ../shared/data)
              --cache     folder for the embedding cache (default target/evaluation-cache)
              --cutoff    Online Retail's hold-out protocol of the recommendations: learn from every purchase
                          before this day (Europe/London), score on each customer's first basket after it
                          (default 2011-10-01; reads the whole file whatever --limit says)
              --report    full (default), or recommendations: only the hold-out protocol
            """;

    /**
     * Events replayed per dataset by default: Online Retail's first 100,000 events (2010-12-01 .. 2011-04) keep the
     * whole report within a few minutes on 2 cores; Complete Journey's sample (75,000 lines) fits entirely.
     */
    static final int DEFAULT_LIMIT = 100_000;

    /** The hold-out protocol's cutoff: ten months to learn from, two to score on. */
    static final LocalDate DEFAULT_CUTOFF = LocalDate.of(2011, 10, 1);

    /** Parsed command line. */
    record Arguments(List<DatasetFormat> datasets, boolean clearStructure, int seeds, int limit, int k, Path json,
            Path data, Path cache, LocalDate cutoff, boolean full) {

        static Arguments parse(String[] args) {
            List<DatasetFormat> datasets = List.of(DatasetFormat.ONLINE_RETAIL, DatasetFormat.COMPLETE_JOURNEY);
            boolean clear = true;
            int seeds = 10;
            int limit = DEFAULT_LIMIT;
            int k = SegmentationDefaults.config().k();
            Path json = null;
            Path data = Path.of("../shared/data");
            Path cache = Path.of("target/evaluation-cache");
            LocalDate cutoff = DEFAULT_CUTOFF;
            boolean full = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    throw new UsageException(null);
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--dataset" -> {
                        clear = v.equals("all") || v.equals("clear-structure");
                        datasets = v.equals("all") ? datasets : v.equals("clear-structure") ? List.of()
                                : List.of(DatasetFormat.parse(v).orElseThrow(() -> new UsageException(
                                        "--dataset must be online-retail, complete-journey, clear-structure or all"
                                                + " but was " + v)));
                    }
                    case "--seeds" -> seeds = integer(a, v, 1);
                    case "--limit" -> limit = integer(a, v, 0);
                    case "--k" -> k = integer(a, v, 2);
                    case "--json" -> json = Path.of(v);
                    case "--data" -> data = Path.of(v);
                    case "--cache" -> cache = Path.of(v);
                    case "--cutoff" -> {
                        try {
                            cutoff = LocalDate.parse(v);
                        } catch (DateTimeParseException e) {
                            throw new UsageException("--cutoff must be a date like 2011-10-01 but was " + v);
                        }
                    }
                    case "--report" -> {
                        if (!v.equals("full") && !v.equals("recommendations")) {
                            throw new UsageException("--report must be full or recommendations but was " + v);
                        }
                        full = v.equals("full");
                    }
                    default -> throw new UsageException("unknown option " + a);
                }
            }
            return new Arguments(datasets, clear, seeds, limit, k, json, data, cache, cutoff, full);
        }

        private static int integer(String option, String value, int min) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " must be an integer >= " + min + " but was " + value);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private EvaluateCommand() {
    }

    public static void main(String[] args) throws IOException {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("evaluate: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        ModelSpec spec = ModelSpec.allMiniLmL6V2();
        TextEmbedder embedder = new CachedSentenceEmbedder(spec, a.cache(), 1);
        Map<String, Object> json = run(a, embedder, new TextNormalizer(spec.lowerCase()), System.out);
        if (a.json() != null) {
            Path parent = a.json().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(a.json().toFile(), json);
            System.out.println("JSON written to " + a.json());
        }
    }

    /** Evaluates every chosen dataset, prints the report, and returns the JSON document. */
    static Map<String, Object> run(Arguments a, TextEmbedder embedder, TextNormalizer normalizer, PrintStream out)
            throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("generatedAt", Instant.now().toString());
        doc.put("k", a.k());
        doc.put("limit", a.limit());
        doc.put("processors", Runtime.getRuntime().availableProcessors());
        List<Evaluation.DatasetReport> reports = new ArrayList<>();
        if (a.datasets().contains(DatasetFormat.ONLINE_RETAIL)) {
            System.err.printf("evaluate: recommendations, hold-out at %s: reading online-retail (whole file)%n",
                    a.cutoff());
            EvaluationDataset all = EvaluationDataset.read(a.data(), DatasetFormat.ONLINE_RETAIL, 0, normalizer);
            Map<String, float[]> vectors = embedder.embed(all.events().stream().map(EvaluationEvent::text).toList());
            Evaluation.Options options = Evaluation.Options.defaults(a.k());
            RecommendationHoldout.Result holdout = RecommendationHoldout.run(all.events(), vectors,
                    EngineSettings.service(a.k()), options.recommendation(), recommendable(DatasetFormat.ONLINE_RETAIL),
                    DatasetFormat.ONLINE_RETAIL.startOfDay(a.cutoff()).toEpochMilli());
            print(holdout, a.cutoff(), out);
            doc.put("recommendationHoldout", holdout);
        }
        if (!a.full()) {
            return doc;
        }
        for (DatasetFormat format : a.datasets()) {
            System.err.printf("evaluate: reading %s%n", format.optionName());
            EvaluationDataset data = EvaluationDataset.read(a.data(), format, a.limit(), normalizer);
            Map<String, float[]> vectors = embedder.embed(data.events().stream().map(EvaluationEvent::text).toList());
            System.err.printf("evaluate: replaying %,d events%n", data.events().size());
            Evaluation.DatasetReport r = Evaluation.run(data, vectors, Evaluation.Options.defaults(a.k()),
                    recommendable(format));
            print(r, out);
            reports.add(r);
        }
        doc.put("datasets", reports);
        if (a.clearStructure()) {
            List<ClearStructureCheck.Result> clear = new ArrayList<>();
            for (Algorithm algorithm : List.of(Algorithm.KMEANS, Algorithm.GMM)) {
                System.err.printf("evaluate: clear-structure stream, %d seeds, %s%n", a.seeds(), algorithm);
                ClearStructureCheck.Result r = ClearStructureCheck.run(a.data(), embedder, normalizer, a.seeds(),
                        algorithm);
                print(r, out);
                clear.add(r);
            }
            doc.put("clearStructure", clear);
        }
        return doc;
    }

    /**
     * Online Retail mixes products with postage, fees and manual adjustments (StockCode POST, DOT, M, BANK
     * CHARGES, ...): only codes that start with a digit are products to recommend. As the service's
     * {@code shoal.recommendation.excluded-items} (what {@code ./shoal rec-check} starts it with): every key that
     * does not start with a digit.
     */
    public static final String ONLINE_RETAIL_NON_PRODUCTS = "(?![0-9]).*";

    /** Which items of a dataset are products: learned and recommended ({@link ItemFilter}, as the service). */
    static Predicate<String> recommendable(DatasetFormat format) {
        ItemFilter filter = format == DatasetFormat.ONLINE_RETAIL ? ItemFilter.excluding(ONLINE_RETAIL_NON_PRODUCTS)
                : ItemFilter.NONE;
        return filter::learns;
    }

    static void print(Evaluation.DatasetReport r, PrintStream out) {
        out.printf(Locale.ROOT, "%n== %s: %,d events, %,d users (%,d segmented), %,d distinct texts; seeded after "
                + "event %,d; %.0f s%n", r.dataset(), r.events(), r.users(), r.segmentedUsers(), r.distinctTexts(),
                r.seededAtEvent(), r.seconds());
        List<Evaluation.EngineReport> e = r.engines();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s", "metric"));
        for (Evaluation.EngineReport x : e) {
            header.append(String.format(Locale.ROOT, "%16s", x.engine()));
        }
        out.println(header);
        Evaluation.BatchReference b = r.batch();
        row(out, e, "silhouette (cosine, sample 2000), higher better", x -> x.quality().silhouette());
        batchRow(out, b.silhouette());
        row(out, e, "Davies-Bouldin, lower better", x -> x.quality().daviesBouldin());
        batchRow(out, b.daviesBouldin());
        row(out, e, "segments in use", x -> (double) x.quality().segments());
        row(out, e, "largest segment share", x -> (double) x.quality().sizes()[0] / x.quality().users());
        batchRow(out, b.largestShare());
        row(out, e, "smallest segment share",
                x -> (double) x.quality().sizes()[x.quality().sizes().length - 1] / x.quality().users());
        batchRow(out, b.smallestShare());
        row(out, e, "moved per active user-day", Evaluation.EngineReport::movedShare);
        row(out, e, "segment changes (total)", x -> (double) x.changes());
        row(out, e, "moves held back by hysteresis", x -> (double) x.suppressed());
        row(out, e, "segments re-seeded by rescue", x -> (double) x.rescues());
        row(out, e, "refits (growth, age, drift)", x -> (double) x.refits());
        row(out, e, "moves by refit/rescue sweeps", x -> (double) x.sweepMoves());
        row(out, e, "moves by behaviour (hysteresis)", x -> (double) (x.changes() - x.sweepMoves()));
        row(out, e, "cost ratio batch/online (goal >= 0.99)", x -> x.quality().costRatio());
        row(out, e, "ARI vs batch k-means", x -> x.quality().ariVsBatch());
        row(out, e, "ARI vs " + e.get(0).ariVsBatchRuns().count() + " batch runs (seeds), mean",
                x -> x.ariVsBatchRuns().mean());
        StringBuilder range = new StringBuilder(String.format(Locale.ROOT, "%-44s", "  least / greatest"));
        for (Evaluation.EngineReport x : e) {
            range.append(String.format(Locale.ROOT, "%16s",
                    fmt(x.ariVsBatchRuns().min()) + " / " + fmt(x.ariVsBatchRuns().max())));
        }
        out.println(range);
        Evaluation.Spread bb = r.batchVsBatch();
        out.printf(Locale.ROOT, "%-44s%s (%s / %s)%n", "  batch vs batch (" + bb.count() + " pairs): mean",
                fmt(bb.mean()), fmt(bb.min()), fmt(bb.max()));
        for (String column : r.batchLabelAmi().keySet()) {
            row(out, e, "AMI vs " + column + " (batch " + fmt(r.batchLabelAmi().get(column)) + ")",
                    x -> x.labelAmi().get(column));
        }
        for (String column : r.batchLabelAmi().keySet()) {
            row(out, e, "F1 vs " + column + " (best matching)", x -> x.labelScores().containsKey(column)
                    ? x.labelScores().get(column).f1() : Double.NaN);
        }
        for (String rec : e.get(0).hitRates().keySet()) {
            row(out, e, "hit rate @10 " + rec, x -> x.hitRates().get(rec));
        }
        row(out, e, "segment / global hit rate",
                x -> x.hitRates().get("segment") / Math.max(x.hitRates().get("global"), 1e-16));
        row(out, e, "blended / personal hit rate",
                x -> x.hitRates().get("blended") / Math.max(x.hitRates().get("personal"), 1e-16));
        row(out, e, "drift: cost ratio at switch",
                x -> x.drift().checkpoints().isEmpty() ? Double.NaN : x.drift().checkpoints().get(0).costRatio());
        row(out, e, "drift: lowest cost ratio after switch", x -> x.drift().minCostRatio());
        row(out, e, "drift: events until ratio >= 0.98 again",
                x -> x.drift().eventsToRecover() == null ? Double.NaN : x.drift().eventsToRecover());
        out.printf(Locale.ROOT, "baskets scored: %,d; drift: %,d of %,d users switch at the median event time%n",
                e.get(0).recommendations().baskets(), r.driftSwitchers(), r.users());
        if (!r.labelledUsers().isEmpty()) {
            out.println("segmented users with a label: " + r.labelledUsers());
        }
    }

    /** The batch optimum's value of the row above: mean (least / greatest) over the batch runs. */
    private static void batchRow(PrintStream out, Evaluation.Spread s) {
        out.printf(Locale.ROOT, "%-44s%s (%s / %s)%n", "  batch k-means, " + s.count() + " runs: mean", fmt(s.mean()),
                fmt(s.min()), fmt(s.max()));
    }

    static void print(RecommendationHoldout.Result r, LocalDate cutoff, PrintStream out) {
        out.printf(Locale.ROOT, "%n== recommendations, online-retail hold-out: learn before %s (%,d events), score"
                + " the first basket after it; %,d customers, %,d items bought before%n", cutoff, r.trainEvents(),
                r.customers(), r.catalogue());
        printScores(r.scores(), out);
        out.printf(Locale.ROOT, "%-12s %6.3f  %7.3f  %8.3f   (blended without anything bought before; %.1f%% of its"
                + " items \"often bought with\")%n", "discovery", r.discovery().hitRate(), r.discovery().ndcg(),
                r.discovery().coverage(), 100 * r.discoveryBoughtWith());
        printLifts(r.scores(), out);
    }

    /** The hold-out's table: a row per strategy. */
    static void printScores(Map<Strategy, RecommendationHoldout.Score> scores, PrintStream out) {
        out.println("strategy      HR@10  NDCG@10  coverage");
        scores.forEach((s, x) -> out.printf(Locale.ROOT, "%-12s %6.3f  %7.3f  %8.3f%n", s.wireName(),
                x.hitRate(), x.ndcg(), x.coverage()));
    }

    /** The hold-out's two goals, as ratios of HR@10. */
    static void printLifts(Map<Strategy, RecommendationHoldout.Score> scores, PrintStream out) {
        out.printf(Locale.ROOT, "blended / personal HR@10 %.3f (goal >= 1.05); segment / global %.3f (goal >= 1.25)%n",
                RecommendationHoldout.lift(scores, Strategy.BLENDED, Strategy.PERSONAL),
                RecommendationHoldout.lift(scores, Strategy.SEGMENT, Strategy.GLOBAL));
    }

    static void print(ClearStructureCheck.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "%n== clear-structure (%s): %d Complete Journey categories x %d shoppers, %,d events,"
                + " k = %d, %d seeds%n", r.engine(), r.categories(), r.shoppers() / Math.max(1, r.categories()),
                r.events(), r.categories(), r.runs().size());
        out.println("seed   live ARI  batch ARI  spherical batch ARI  live/batch  refits  refits to 0.97x  accuracy"
                + "  precision  recall     F1");
        for (ClearStructureCheck.Run run : r.runs()) {
            out.printf(Locale.ROOT, "%4d   %8.3f  %9.3f  %19.3f  %10.3f  %6d  %15s  %8.3f  %9.3f  %6.3f  %5.3f%n",
                    run.seed(), run.liveAri(), run.batchAri(), run.sphericalAri(), run.share(), run.refits(),
                    run.refitsToTarget() < 0 ? "never" : Integer.toString(run.refitsToTarget()),
                    run.scores().accuracy(), run.scores().precision(), run.scores().recall(), run.scores().f1());
        }
        double[] spread = ClearStructureCheck.spread(r.shares());
        out.printf(Locale.ROOT, "live/batch ARI over seeds: min %.3f, median %.3f, max %.3f (goal >= %.2f)%n",
                spread[0], spread[1], spread[2], ClearStructureCheck.TARGET_SHARE);
        double[] vsSpherical = ClearStructureCheck.spread(r.runs().stream()
                .mapToDouble(x -> x.liveAri() / Math.max(x.sphericalAri(), 1e-12)).toArray());
        out.printf(Locale.ROOT, "live/spherical batch ARI over seeds: min %.3f, median %.3f, max %.3f%n",
                vsSpherical[0], vsSpherical[1], vsSpherical[2]);
    }

    private static void row(PrintStream out, List<Evaluation.EngineReport> engines, String name,
            Function<Evaluation.EngineReport, Double> value) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", name));
        for (Evaluation.EngineReport x : engines) {
            line.append(String.format(Locale.ROOT, "%16s", fmt(value.apply(x))));
        }
        out.println(line);
    }

    static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (v == Math.rint(v) && (Math.abs(v) >= 10 || v == 0)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
