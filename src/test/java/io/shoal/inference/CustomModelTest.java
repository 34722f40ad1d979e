package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;

/** A model given as files on disk loads like a bundled one, and a wrong dimension is refused at load. */
class CustomModelTest {

    private static final ModelSpec BUNDLED = ModelSpec.allMiniLmL6V2();

    private static ModelSpec onDisk(int dimension) {
        return new ModelSpec("minilm-on-disk", BUNDLED.onnxPath(TestModels.CACHE_DIR).toString(),
                BUNDLED.tokenizerPath(TestModels.CACHE_DIR).toString(), false, dimension, Pooling.MEAN, 128, true);
    }

    @Test
    void modelFromDiskGivesTheBundledVectors() {
        List<String> texts = List.of("glass vase", "PARTY BUNTING");
        try (SentenceEncoder fromDisk = TestModels.load(onDisk(384));
                SentenceEncoder bundled = TestModels.load(BUNDLED)) {
            float[][] a = fromDisk.encode(texts);
            float[][] b = bundled.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(a[i]).containsExactly(b[i]);
            }
        }
    }

    @Test
    void wrongDimensionIsRefusedWithBothNumbers() {
        assertThatThrownBy(() -> TestModels.load(onDisk(512)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("384-dimensional").hasMessageContaining("says 512");
    }

    @Test
    void missingFileNamesThePath() {
        ModelSpec missing = new ModelSpec("missing", "/nonexistent/model.onnx", "/nonexistent/tokenizer.json", false,
                384, Pooling.MEAN, 128, true);
        assertThatThrownBy(() -> TestModels.load(missing)).hasMessageContaining("/nonexistent/model.onnx");
    }
}
