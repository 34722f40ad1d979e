package io.shoal.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.event.EventType;

class EventValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final EventValidator validator = new EventValidator(Duration.ofMinutes(5),
            Instant.parse("2000-01-01T00:00:00Z"));

    private EventValidator.Result validate(String json) throws Exception {
        JsonNode node = mapper.readTree(json);
        return validator.validate(node, 3, NOW);
    }

    private List<String> fields(String json) throws Exception {
        return validate(json).rejections().stream().map(Rejection::field).toList();
    }

    @Test
    void acceptsACompleteEventAndParsesEveryField() throws Exception {
        EventValidator.Result r = validate("""
                {"eventId":"e1","userId":"u1","type":"PURCHASE","itemId":"85123A","text":"WHITE HANGING HEART",
                 "category":"home","price":2.55,"quantity":6,"occurredAt":"2010-12-01T08:26:00Z","extra":true}""");
        assertThat(r.valid()).isTrue();
        assertThat(r.idGenerated()).isFalse();
        assertThat(r.event().type()).isEqualTo(EventType.PURCHASE);
        assertThat(r.event().price()).isEqualTo(2.55);
        assertThat(r.event().quantity()).isEqualTo(6);
        assertThat(r.event().occurredAt()).isEqualTo(Instant.parse("2010-12-01T08:26:00Z"));
        assertThat(r.event().receivedAt()).isEqualTo(NOW);
    }

    @Test
    void anIdentifyMergesAnotherShopperAndNeedsNoItem() throws Exception {
        EventValidator.Result r = validate(
                "{\"eventId\":\"i1\",\"userId\":\"known\",\"type\":\"identify\",\"previousId\":\"visitor-7\",\"text\":\"x\"}");
        assertThat(r.valid()).isTrue();
        assertThat(r.event().type()).isEqualTo(EventType.IDENTIFY);
        assertThat(r.event().previousId()).isEqualTo("visitor-7");
        assertThat(r.event().text()).as("an identify carries no item").isNull();
        assertThat(r.event().orderingKey()).as("kept in the merged-away shopper's order").isEqualTo("visitor-7");

        assertThat(fields("{\"userId\":\"k\",\"type\":\"identify\"}")).containsExactly("previousId");
        assertThat(fields("{\"userId\":\"k\",\"type\":\"identify\",\"previousId\":\"k\"}"))
                .containsExactly("previousId");
        assertThat(fields("{\"userId\":\"k\",\"type\":\"identify\",\"previousId\":\"a\\u0000b\"}"))
                .containsExactly("previousId");
    }

    @Test
    void theAnonymousPrefixIsReservedForTheTrackingEndpoints() throws Exception {
        String anonymous = "{\"userId\":\"anonymous:a1\",\"type\":\"view\",\"text\":\"x\"}";
        assertThat(fields(anonymous)).containsExactly("userId");
        assertThat(fields("{\"userId\":\"k\",\"type\":\"identify\",\"previousId\":\"anonymous:a1\"}"))
                .containsExactly("previousId");
        EventValidator tracking = new EventValidator(Duration.ofMinutes(5), Instant.parse("2000-01-01T00:00:00Z"),
                true);
        assertThat(tracking.validate(mapper.readTree(anonymous), 0, NOW).event().userId()).isEqualTo("anonymous:a1");
    }

    @Test
    void generatesAnIdAndDefaultsTheTimeWhenAbsent() throws Exception {
        EventValidator.Result a = validate("{\"userId\":\"u\",\"type\":\"search\",\"text\":\"red mug\"}");
        EventValidator.Result b = validate("{\"userId\":\"u\",\"type\":\"search\",\"text\":\"red mug\"}");
        assertThat(a.idGenerated()).isTrue();
        assertThat(a.event().eventId()).isNotBlank().isNotEqualTo(b.event().eventId());
        assertThat(a.event().occurredAt()).isEqualTo(NOW);
    }

    @Test
    void namesEachInvalidField() throws Exception {
        assertThat(fields("{\"type\":\"view\",\"text\":\"x\"}")).containsExactly("userId");
        assertThat(fields("{\"userId\":\"" + "u".repeat(129) + "\",\"type\":\"view\",\"text\":\"x\"}"))
                .containsExactly("userId");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"teleport\",\"text\":\"x\"}")).containsExactly("type");
        assertThat(fields("{\"userId\":\"u\",\"text\":\"x\"}")).containsExactly("type");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\"}")).containsExactly("text");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"" + "t".repeat(2001) + "\"}"))
                .containsExactly("text");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"price\":-1}")).containsExactly("price");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"price\":\"cheap\"}"))
                .containsExactly("price");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"quantity\":1.5}"))
                .containsExactly("quantity");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"occurredAt\":\"yesterday\"}"))
                .containsExactly("occurredAt");
        assertThat(fields("{\"userId\":42,\"type\":\"view\",\"text\":\"x\"}")).containsExactly("userId");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"remove_from_cart\"}")).containsExactly("itemId");
        assertThat(fields("[1,2]")).containsExactly("event");
    }

    @Test
    void reportsEveryBadFieldOfOneEventWithItsIndex() throws Exception {
        EventValidator.Result r = validate("{\"type\":\"nope\",\"price\":-3}");
        assertThat(r.rejections()).extracting(Rejection::field).containsExactlyInAnyOrder("userId", "type", "price");
        assertThat(r.rejections()).allSatisfy(x -> assertThat(x.index()).isEqualTo(3));
        assertThat(r.rejections()).filteredOn(x -> x.field().equals("price"))
                .singleElement().extracting(Rejection::message).asString().contains("-3");
    }

    @Test
    void typeIsCaseInsensitiveAndTextOptionalWhereTheTypeAllowsIt() throws Exception {
        assertThat(validate("{\"userId\":\"u\",\"type\":\"Remove_From_Cart\",\"itemId\":\"i1\"}").valid()).isTrue();
        assertThat(validate("{\"userId\":\"u\",\"type\":\"WISHLIST\",\"text\":\"lamp\"}").valid()).isTrue();
    }

    @Test
    void rejectsEventsTooFarInTheFutureButAllowsClockSkew() throws Exception {
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"occurredAt\":\"2026-11-28T12:06:00Z\"}"))
                .containsExactly("occurredAt");
        assertThat(validate("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"x\",\"occurredAt\":\"2026-11-28T12:04:00Z\"}")
                .valid()).isTrue();
    }

    @Test
    void anAncientOccurredAtIsRejectedNamingTheFieldAndTheBound() throws Exception {
        EventValidator.Result r = validate("""
                {"userId":"u1","type":"view","text":"t","itemId":"i","occurredAt":"1900-01-01T00:00:00Z"}""");
        assertThat(r.valid()).isFalse();
        assertThat(r.rejections()).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("occurredAt");
            assertThat(x.message()).contains("2000-01-01T00:00:00Z");
        });
        assertThat(fields("""
                {"userId":"u1","type":"view","text":"t","itemId":"i","occurredAt":"-999999999-01-01T00:00:00Z"}"""))
                .containsExactly("occurredAt");
        assertThat(validate("""
                {"userId":"u1","type":"view","text":"t","itemId":"i","occurredAt":"2000-01-01T00:00:00Z"}""").valid()).isTrue();
    }

    @Test
    void controlCharactersInIdsAreRejectedNamingTheField() throws Exception {
        assertThat(fields("{\"userId\":\"a\\u0000b\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}")).containsExactly("userId");
        assertThat(fields("{\"userId\":\"u\",\"eventId\":\"e\\u001b\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}"))
                .containsExactly("eventId");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\\u0085\"}")).containsExactly("itemId");
        assertThat(validate("{\"userId\":\"a\\u0000b\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}").rejections().get(0).message())
                .contains("U+0000");
    }

    @Test
    void textsMayHoldLineBreaksButNoOtherControlCharacters() throws Exception {
        assertThat(validate("{\"userId\":\"u\",\"type\":\"search\",\"text\":\"red\\n\\tshoes\\r\"}").valid()).isTrue();
        assertThat(fields("{\"userId\":\"u\",\"type\":\"search\",\"text\":\"red\\u0000shoes\"}")).containsExactly("text");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\",\"category\":\"\\u0007\"}"))
                .containsExactly("category");
    }

    @Test
    void unpairedSurrogatesAreRejectedAndPairedOnesKept() throws Exception {
        assertThat(fields("{\"userId\":\"a\\ud800\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}")).containsExactly("userId");
        assertThat(fields("{\"userId\":\"\\udc00a\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}")).containsExactly("userId");
        assertThat(fields("{\"userId\":\"u\",\"type\":\"search\",\"text\":\"x\\ud83dy\"}")).containsExactly("text");
        EventValidator.Result emoji = validate("{\"userId\":\"\\ud83d\\ude00\",\"type\":\"view\",\"text\":\"t\",\"itemId\":\"i\"}");
        assertThat(emoji.valid()).isTrue();
        assertThat(emoji.event().userId()).isEqualTo("\uD83D\uDE00");
    }
}
