package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our DJL path against langchain4j's own all-MiniLM-L6-v2 embedder (plain ONNX Runtime, one text per call, no
 * padding) as the oracle: batching with padding and mask-aware pooling must not move any vector.
 */
class SentenceEncoderOracleTest {

    static final double MIN_COSINE = 0.9999;

    private static SentenceEncoder encoder;
    private static AllMiniLmL6V2EmbeddingModel oracle;
    private static double minCosine = 1;

    @BeforeAll
    static void load() {
        // DJL first: its engine configures the process-wide ONNX Runtime environment with thread options, which
        // ONNX Runtime refuses once langchain4j has created the environment with defaults.
        encoder = TestModels.load(ModelSpec.allMiniLmL6V2());
        oracle = new AllMiniLmL6V2EmbeddingModel();
    }

    @AfterAll
    static void close() {
        System.out.printf("SentenceEncoderOracleTest: minimum cosine to the oracle 1 - %.2e%n", 1 - minCosine);
        encoder.close();
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "mug",
                "WHITE HANGING HEART T-LIGHT HOLDER",
                "Apple iPhone 15 Pro Max 256GB Natural Titanium (Unlocked)",
                "Samsung 65\" QLED 4K Smart TV, QN65Q80C — 2023 model",
                "usb-c cable 2m 100W, braided!!!",
                "Does this blender crush ice? Asking for smoothies...",
                "price < $20 & free shipping",
                "12 x 330ml cans, 4.5% ABV",
                "SET OF 3 CAKE TINS PANTRY DESIGN",
                "Chaussures de course pour homme, taille 42",
                "Küchenmaschine mit Edelstahlschüssel, 1000 W",
                "Zapatillas deportivas para mujer, color rosa",
                "华为 Mate 60 Pro 智能手机 12GB+512GB",
                "無印良品 アロマディフューザー",
                "Смартфон Xiaomi Redmi Note 13, 8/256 ГБ",
                "🔥🔥 deal of the day 🔥🔥",
                "   leading and trailing   spaces   ",
                "a",
                "The quick brown fox jumps over the lazy dog.",
                "wireless noise-cancelling over-ear headphones with 30h battery",
                "ISBN 978-3-16-148410-0, paperback, 2nd edition (2019)"));
        texts.add(longText());
        return texts;
    }

    /** About 450 tokens: both sides truncate it at MiniLM's 128. */
    static String longText() {
        String[] sentences = {
                "This stainless steel espresso machine brews cafe quality coffee at home.",
                "It has a fifteen bar pump, a steam wand for milk foam and a removable water tank.",
                "The control panel offers single and double shots, hot water and a descaling program.",
                "Customers praise the crema, the quick heat up and the compact footprint on the counter.",
                "Some reviewers mention that the drip tray fills quickly and the portafilter is light.",
                "The box includes a tamper, a measuring spoon, two filter baskets and a cleaning needle.",
                "Warranty covers two years of parts and labour when registered within thirty days." };
        StringBuilder text = new StringBuilder();
        for (int round = 0; round < 4; round++) {
            for (String sentence : sentences) {
                text.append(sentence).append(' ');
            }
            text.append("Review number ").append(round + 1).append(" gives it ").append(5 - round % 2)
                    .append(" stars. ");
        }
        return text.toString().trim();
    }

    @Test
    void longTextIsPastTwoHundredFiftySixTokens() throws Exception {
        Path tokenizerJson = ModelSpec.allMiniLmL6V2().tokenizerPath(TestModels.CACHE_DIR);
        try (HuggingFaceTokenizer untruncated = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                .optTruncation(false).build()) {
            assertThat(untruncated.encode(longText()).getIds().length).isGreaterThan(256);
        }
        assertThat(encoder.tokenCount(longText())).isEqualTo(128);
    }

    @Test
    void batchMatchesOracle() {
        List<String> texts = texts();
        assertThat(texts).hasSizeGreaterThanOrEqualTo(20);
        // The batch is split by length (short titles are not padded to the 450-token text): every sub-batch's
        // vectors must still be the oracle's, in input order.
        int[] lengths = texts.stream().mapToInt(encoder::tokenCount).toArray();
        assertThat(LengthBuckets.DEFAULT.split(lengths)).hasSizeGreaterThan(1);
        float[][] vectors = encoder.encode(texts);
        assertThat(vectors.length).isEqualTo(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors[i]).hasSize(384);
            assertThat(cosineToOracle(vectors[i], texts.get(i)))
                    .as("cosine to the oracle for text %d", i)
                    .isGreaterThanOrEqualTo(MIN_COSINE);
        }
    }

    @Test
    void oneAtATimeMatchesOracle() {
        List<String> texts = texts();
        for (int i = 0; i < texts.size(); i++) {
            float[] vector = encoder.encode(List.of(texts.get(i)))[0];
            assertThat(cosineToOracle(vector, texts.get(i)))
                    .as("cosine to the oracle for text %d", i)
                    .isGreaterThanOrEqualTo(MIN_COSINE);
        }
    }

    @Test
    void vectorsAreUnitLength() {
        for (float[] v : encoder.encode(texts())) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
        }
    }

    private static float[] oracle(String text) {
        return oracle.embed(TextSegment.from(text)).content().vector();
    }

    private static double cosineToOracle(float[] vector, String text) {
        double cosine = Vectors.cosine(vector, oracle(text));
        minCosine = Math.min(minCosine, cosine);
        return cosine;
    }
}
