package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shoal.inference.TextNormalizer;

/** End to end on real lines cut from both datasets (src/test/resources/evaluation), with word-hash vectors. */
class EvaluateCommandTest {

    private static final Path FIXTURE = Path.of("src/test/resources/evaluation");

    /** A text's vector: its words hashed into 32 dimensions, so texts that share words are similar. */
    static final TextEmbedder WORD_HASH = texts -> {
        Map<String, float[]> out = new HashMap<>();
        for (String t : texts) {
            float[] v = new float[32];
            for (String w : t.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                v[Math.floorMod(w.hashCode(), 32)] += 1;
            }
            v[31] += 0.1f;
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(n);
            }
            out.put(t, v);
        }
        return out;
    };

    @Test
    @SuppressWarnings("unchecked")
    void reportsSaneNumbersForBothDatasets() throws Exception {
        EvaluateCommand.Arguments args = EvaluateCommand.Arguments.parse(
                new String[] {"--data", FIXTURE.toString(), "--k", "3", "--seeds", "2"});
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Map<String, Object> doc = EvaluateCommand.run(args, WORD_HASH, new TextNormalizer(true),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<Evaluation.DatasetReport> reports = (List<Evaluation.DatasetReport>) doc.get("datasets");
        assertThat(reports).extracting(Evaluation.DatasetReport::dataset)
                .containsExactly("online-retail", "complete-journey");
        for (Evaluation.DatasetReport r : reports) {
            assertThat(r.segmentedUsers()).as("every customer segmented").isEqualTo(r.users());
            Evaluation.BatchReference batch = r.batch();
            assertThat(batch.silhouette().count()).as("one score per batch run").isEqualTo(5);
            assertThat(batch.silhouette().min()).isBetween(-1.0, batch.silhouette().max());
            assertThat(batch.silhouette().max()).isLessThanOrEqualTo(1.0);
            assertThat(batch.daviesBouldin().min()).isNotNegative();
            assertThat(batch.largestShare().mean()).isBetween(1.0 / 3, 1.0);
            assertThat(batch.smallestShare().mean()).isBetween(0.0, batch.largestShare().mean());
            assertThat(r.engines()).extracting(Evaluation.EngineReport::engine)
                    .containsExactly("shoal", "shoal-gmm", "spark-baseline");
            for (Evaluation.EngineReport e : r.engines()) {
                SegmentQuality q = e.quality();
                assertThat(q.silhouette()).isBetween(-1.0, 1.0);
                assertThat(q.daviesBouldin()).isNotNegative();
                assertThat(q.costRatio()).isPositive();
                assertThat(q.ariVsBatch()).isBetween(-1.0, 1.0);
                assertThat(q.sizes()).isNotEmpty();
                assertThat(java.util.Arrays.stream(q.sizes()).sum()).isEqualTo(r.users());
                assertThat(e.movedShare()).isBetween(0.0, 1.0);
                assertThat(e.hitRates()).hasSize(4).allSatisfy((name, rate) -> assertThat(rate).isBetween(0.0, 1.0));
                assertThat(e.drift().checkpoints()).isNotEmpty();
            }
        }
        Evaluation.DatasetReport cj = reports.get(1);
        assertThat(cj.engines().get(0).labelAmi()).containsKeys("household_comp", "income");
        assertThat(cj.labelledUsers()).containsEntry("household_comp", 50);
        assertThat(reports.get(0).engines().get(0).recommendations().baskets()).isPositive();
        String table = printed.toString(StandardCharsets.UTF_8);
        List<ClearStructureCheck.Result> clear = (List<ClearStructureCheck.Result>) doc.get("clearStructure");
        assertThat(clear).extracting(ClearStructureCheck.Result::engine).containsExactly("shoal", "shoal-gmm");
        assertThat(clear.get(0).runs()).hasSize(2).allSatisfy(run -> {
            assertThat(run.liveAri()).isBetween(-1.0, 1.0);
            assertThat(run.scores().f1()).isBetween(0.0, 1.0);
        });
        assertThat(table).contains("== clear-structure", "live/batch ARI over seeds");
        assertThat(table).contains("== online-retail", "== complete-journey", "cost ratio batch/online",
                "batch k-means, 5 runs: mean",
                "hit rate @10 segment", "AMI vs household_comp");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(doc))
                .contains("\"costRatio\"", "\"hitRates\"");
    }

    @Test
    void rejectsAnUnknownDataset() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> EvaluateCommand.Arguments.parse(new String[] {"--dataset", "amazon"}))
                .hasMessage("--dataset must be online-retail, complete-journey, clear-structure or all but was amazon");
    }
}
