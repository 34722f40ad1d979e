package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import io.shoal.testing.Management;

import java.time.Duration;
import java.util.List;

/** The wired service: the model loads in the background, readiness turns UP, and texts embed through the cache. */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class EmbeddingServiceTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Inject
    SentenceModelService model;

    @Inject
    EmbeddingService embeddings;

    @Test
    void modelBecomesReadyAndEmbedsThroughTheCache() {
        await().atMost(WAIT).until(model::isReady);
        Management.given().when().get("/q/health/ready")
                .then().body("checks.name", hasItem("sentence-model"));

        List<float[]> vectors = embeddings.embed(List.of("Red retrospot mug", "red  RETROSPOT mug", "garden hose"))
                .await().atMost(WAIT);

        assertThat(vectors).hasSize(3);
        assertThat(vectors.get(0)).hasSize(384).containsExactly(vectors.get(1));
        assertThat(Vectors.cosine(vectors.get(0), vectors.get(2))).isLessThan(0.9);
    }
}
