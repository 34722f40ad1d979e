package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * The dashboard in a real browser (headless Chromium, driven by Selenium through the Debian chromedriver) after a
 * short replay through /v1/events: every chart draws data, nothing is logged to the console as an error, a move
 * made while the page is open appears in the live feed, and the shopper lookup shows an explanation. Screenshots go
 * to {@code target/dashboard/}.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class DashboardBrowserTest {

    static final Path SCREENSHOTS = Path.of("target", "dashboard");
    static final List<String> CHARTS = List.of("chart-map", "chart-sizes", "chart-flows", "chart-lineage",
            "chart-ctr");

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @TestHTTPResource("/dashboard/")
    URL dashboard;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private WebDriver driver;

    @BeforeEach
    void replayAndOpenABrowser() throws IOException {
        IdentityMergeTest.seedModel(store, limiter, manager);
        replay();
        driver = chromium();
    }

    @AfterEach
    void closeTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Shoppers who buy in one category, some who move to another, and feedback on a recommendation list. */
    private void replay() {
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        List<Map<String, Object>> first = new ArrayList<>();
        List<Map<String, Object>> second = new ArrayList<>();
        for (int u = 0; u < 8; u++) {
            String user = "dash-" + run + "-" + u;
            int kind = u % 4;
            for (int i = 0; i < 3; i++) {
                first.add(event(user + "-a" + i, user, "purchase", IdentityMergeTest.text(kind, i), t.plusSeconds(
                        60L * u + i)));
            }
            if (u < 4) {
                int next = (kind + 1) % 4;
                for (int i = 0; i < 8; i++) {
                    second.add(event(user + "-b" + i, user, "purchase", IdentityMergeTest.text(next, i),
                            t.plusSeconds(3600 + 60L * u + i)));
                }
            }
        }
        post(first);
        post(second);
        String user = "dash-" + run + "-0";
        String rid = given().get("/v1/users/{u}/recommendations?strategy=segment", user).then().statusCode(200)
                .extract().jsonPath().getString("recommendationId");
        Instant shown = t.plusSeconds(7200);
        post(List.of(feedback(run + "-i1", user, "impression", "shown-1-" + run, rid, shown),
                feedback(run + "-i2", user, "impression", "shown-2-" + run, rid, shown),
                feedback(run + "-k1", user, "click", "shown-1-" + run, rid, shown.plusSeconds(5))));
    }

    private void post(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
    }

    private static Map<String, Object> event(String id, String user, String type, String text, Instant at) {
        return Map.of("eventId", id, "userId", user, "type", type, "text", text, "occurredAt", at.toString());
    }

    private static Map<String, Object> feedback(String id, String user, String type, String item, String rid,
            Instant at) {
        return Map.of("eventId", id, "userId", user, "type", type, "itemId", item, "recommendationId", rid,
                "occurredAt", at.toString());
    }

    @Test
    void everyChartDrawsDataTheFeedFollowsMovesAndTheLookupExplains() throws IOException {
        driver.get(dashboard.toString());
        until(() -> state("segments").equals("ready") && CHARTS.stream().allMatch(c -> !state(c).equals(
                "loading")));
        for (String chart : CHARTS) {
            assertThat(state(chart)).as(chart + " drew data").isEqualTo("ready");
            assertThat(Integer.parseInt(attribute(chart, "data-points"))).as(chart + " points").isPositive();
            // ECharts drew on its canvas: the canvas exists and has a size.
            WebElement canvas = driver.findElement(By.cssSelector("#" + chart + " canvas"));
            assertThat(canvas.getSize().getWidth()).as(chart + " canvas").isPositive();
        }
        assertThat(driver.findElements(By.cssSelector("#segments tbody tr"))).isNotEmpty();
        // What the charts drew is what the API answers (the flows and the lineage, one mark per row).
        assertThat(Integer.parseInt(attribute("chart-flows", "data-points"))).isEqualTo(given()
                .get("/v1/dashboard/flows").then().statusCode(200).extract().jsonPath().getList("flows").size());
        assertThat(Integer.parseInt(attribute("chart-lineage", "data-points"))).isEqualTo(given()
                .get("/v1/dashboard/lineage").then().statusCode(200).extract().jsonPath().getList("events").size());

        // A move made while the page is open reaches the live feed.
        until(() -> state("feed").equals("connected"));
        String newcomer = "dash-" + run + "-new";
        post(List.of(event(run + "-n0", newcomer, "purchase", IdentityMergeTest.text(2, 0), Instant.parse(
                "2026-11-30T15:00:00Z"))));
        until(() -> driver.findElement(By.id("feed")).getText().contains(newcomer));
        shot("dashboard");

        // A window of one's own for the flows: the hour in which the first four shoppers changed category.
        ((JavascriptExecutor) driver).executeScript("const w = document.getElementById('flow-window');"
                + "w.value = 'custom'; w.dispatchEvent(new Event('change'));");
        until(() -> driver.findElement(By.id("flow-custom")).isDisplayed()
                && !driver.findElement(By.id("flow-from")).getAttribute("value").isEmpty());
        ((JavascriptExecutor) driver).executeScript("document.getElementById('flow-from').value = arguments[0];"
                + "const to = document.getElementById('flow-to'); to.value = arguments[1];"
                + "to.dispatchEvent(new Event('change'));", "2026-11-30T13:00:00", "2026-11-30T14:00:00");
        int inHour = given().queryParam("from", "2026-11-30T13:00:00Z").queryParam("to", "2026-11-30T14:00:00Z")
                .get("/v1/dashboard/flows").then().statusCode(200).extract().jsonPath().getList("flows").size();
        assertThat(inHour).as("flows in the hour of the category changes").isPositive();
        until(() -> state("chart-flows").equals("ready")
                && attribute("chart-flows", "data-points").equals(String.valueOf(inHour)));
        // ... and the half hour before it, when they only joined their first segments (no flows of this test).
        ((JavascriptExecutor) driver).executeScript("document.getElementById('flow-from').value = arguments[0];"
                + "const to = document.getElementById('flow-to'); to.value = arguments[1];"
                + "to.dispatchEvent(new Event('change'));", "2026-11-30T12:00:00", "2026-11-30T12:30:00");
        int before = given().queryParam("from", "2026-11-30T12:00:00Z").queryParam("to", "2026-11-30T12:30:00Z")
                .get("/v1/dashboard/flows").then().statusCode(200).extract().jsonPath().getList("flows").size();
        until(() -> state("chart-flows").equals(before > 0 ? "ready" : "empty")
                && attribute("chart-flows", "data-points").equals(String.valueOf(before)));

        ((JavascriptExecutor) driver).executeScript("const w = document.getElementById('flow-window');"
                + "w.value = 'all'; w.dispatchEvent(new Event('change'));");
        until(() -> !driver.findElement(By.id("flow-custom")).isDisplayed() && state("chart-flows").equals("ready"));

        // The shopper lookup explains a shopper who moved.
        String mover = "dash-" + run + "-1";
        driver.findElement(By.id("shopper")).sendKeys(mover);
        driver.findElement(By.id("lookup")).click();
        until(() -> state("explanation").equals("ready") && !state("recommendations").equals("loading"));
        // The segment's label comes from descriptions refreshed in the background (the newcomer moved the model
        // on), so the words may differ between two reads; the segment it names may not.
        long segmentId = given().get("/v1/users/{u}/segment", mover).then().statusCode(200).extract().jsonPath()
                .getLong("segmentId");
        String explanation = driver.findElement(By.id("explanation")).getText();
        assertThat(explanation.lines().findFirst().orElse("")).matches("segment " + segmentId + "(: .+)?");
        assertThat(explanation).contains("pulls toward it").contains("last move");
        assertThat(state("chart-history")).isEqualTo("ready");
        assertThat(state("recommendations")).isEqualTo("ready");
        assertThat(driver.findElement(By.id("recommendations")).getText()).isNotBlank();
        ((JavascriptExecutor) driver).executeScript("document.getElementById('explanation').scrollIntoView()");
        shot("shopper");

        // A marketer renames a segment from the table; the name shows at once and is taken back afterwards.
        WebElement firstRename = driver.findElement(By.cssSelector("#segments tbody tr button.rename"));
        String segment = firstRename.getAttribute("data-segment");
        try {
            firstRename.click();
            driver.switchTo().alert().sendKeys("Browser name " + run);
            driver.switchTo().alert().accept();
            until(() -> driver.findElement(By.id("segments")).getText().contains("Browser name " + run));
            given().get("/v1/segments").then().statusCode(200).body("segments.find { it.segmentId == " + segment
                    + " }.label", org.hamcrest.Matchers.equalTo("Browser name " + run));
        } finally {
            given().delete("/v1/segments/{id}/label", segment).then().statusCode(200);
        }

        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("console errors").isEmpty();
    }

    private static void until(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(condition);
    }

    private String state(String id) {
        return attribute(id, "data-state");
    }

    private String attribute(String id, String name) {
        String v = driver.findElement(By.id(id)).getAttribute(name);
        return v == null ? "" : v;
    }

    private void shot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Headless Chromium from the Debian packages (chromium, chromium-driver; .ci/run installs them), found on the
     * PATH or through SHOAL_CHROMIUM / SHOAL_CHROMEDRIVER. Never downloads a driver.
     */
    static WebDriver chromium() {
        Path browser = executable("SHOAL_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
        Path driverBinary = executable("SHOAL_CHROMEDRIVER", "chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,2200", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static Path executable(String variable, String... names) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("No " + String.join("/", names) + " on the PATH: install the Debian "
                + "packages chromium and chromium-driver (.ci/run does), or set " + variable);
    }
}
