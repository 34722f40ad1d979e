package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./shoal evaluate} as a new user runs it: the packaged application, no Quarkus runtime, an empty embedding
 * cache (the model is loaded and every text embedded), on the small real-data fixtures. Regression: it once died in
 * SentenceEncoder.load on a fresh cache ("Using io.quarkus.logging.Log is only possible with Quarkus bytecode
 * transformation") and then on the config mapping classes missing from the tool's classpath.
 */
class EvaluateCommandIT {

    private Path cache;

    @AfterEach
    void removeCache() throws IOException {
        if (cache != null) {
            try (Stream<Path> files = Files.walk(cache)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void runsFromThePackagedAppWithAnEmptyCache() throws Exception {
        assertThat(Path.of("target", "quarkus-app", "quarkus-run.jar")).as("packaged by mvn verify").exists();
        cache = Files.createTempDirectory("shoal-evaluate-cache");
        Path json = cache.resolve("report.json");
        Process p = new ProcessBuilder("./shoal", "evaluate", "--data", "src/test/resources/evaluation", "--cache",
                cache.resolve("fresh").toString(), "--k", "3", "--seeds", "1", "--json", json.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(8, TimeUnit.MINUTES);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("finished in time; output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("exit status; output:%n%s", output).isZero();
        assertThat(output).contains("embedding", "== online-retail", "== complete-journey", "== clear-structure",
                "cost ratio batch/online");
        assertThat(json).exists();
        assertThat(Files.readString(json)).contains("\"clearStructure\"", "\"costRatio\"");
    }
}
