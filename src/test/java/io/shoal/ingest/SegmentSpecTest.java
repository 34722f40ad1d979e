package io.shoal.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.ingest.SegmentSpec.Call;
import io.shoal.ingest.SegmentSpec.Outcome;

/** The Segment Spec (e-commerce v2) to Shoal events, message by message. */
class SegmentSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SegmentSpec.Mapped batch(String... messages) {
        return SegmentSpec.map(List.of(messages).stream().map(SegmentSpecTest::json).toList(), null, null, NOW);
    }

    @Test
    void productViewedIsAViewWithTheProductFields() {
        SegmentSpec.Mapped m = batch("{'type':'track','event':'Product Viewed','userId':'u1','messageId':'m1',"
                + "'timestamp':'2026-12-02T09:00:00Z','properties':{'product_id':'507f','sku':'G-32','name':'Monopoly',"
                + "'category':'Games','price':18.99,'quantity':1}}");

        assertThat(m.outcomes()).containsExactly(Outcome.MAPPED);
        assertThat(m.events()).containsExactly(json("{'eventId':'m1','userId':'u1','type':'view','text':'Monopoly',"
                + "'itemId':'507f','category':'Games','price':18.99,'quantity':1,'occurredAt':'2026-12-02T09:00:00Z'}"));
    }

    @Test
    void eachSpecEventMapsToItsShoalType() {
        SegmentSpec.Mapped m = batch(
                "{'type':'track','event':'Products Searched','userId':'u','properties':{'query':'blue hotpants'}}",
                "{'type':'track','event':'Product Clicked','userId':'u','properties':{'name':'A'}}",
                "{'type':'track','event':'Product Added','userId':'u','properties':{'name':'B','quantity':2}}",
                "{'type':'track','event':'Product Removed','userId':'u','properties':{'product_id':'p9'}}",
                "{'type':'track','event':'Product Added to Wishlist','userId':'u','properties':{'sku':'s1'}}",
                "{'type':'track','event':'  product_viewed ','userId':'u','properties':{'name':'C'}}");

        assertThat(m.events()).extracting(e -> e.get("type").textValue())
                .containsExactly("search", "view", "cart", "remove_from_cart", "wishlist", "view");
        assertThat(m.events().get(0).get("text").textValue()).isEqualTo("blue hotpants");
        assertThat(m.events().get(0).has("itemId")).isFalse();
        assertThat(m.events().get(3).get("itemId").textValue()).isEqualTo("p9");
        assertThat(m.events().get(4).get("itemId").textValue()).as("sku when there is no product_id").isEqualTo("s1");
        assertThat(m.events()).allSatisfy(e -> assertThat(e.get("userId").textValue()).isEqualTo("u"));
    }

    @Test
    void orderCompletedIsOnePurchasePerProductEachWithItsOwnIdempotencyKey() {
        SegmentSpec.Mapped m = batch("{'type':'track','event':'Order Completed','userId':'u','messageId':'o-7',"
                + "'properties':{'order_id':'50314b8e','products':[{'product_id':1,'name':'Tin','price':3,'quantity':2},"
                + "{'product_id':'2','name':'Mug','category':'Kitchen'}]}}");

        assertThat(m.events()).hasSize(2);
        assertThat(m.events()).extracting(e -> e.get("eventId").textValue()).containsExactly("o-7:0", "o-7:1");
        assertThat(m.events()).allSatisfy(e -> assertThat(e.get("type").textValue()).isEqualTo("purchase"));
        assertThat(m.events().get(0).get("itemId").textValue()).as("numeric ids as text").isEqualTo("1");
        assertThat(m.events().get(0).get("quantity").intValue()).isEqualTo(2);
        assertThat(m.events().get(1).get("category").textValue()).isEqualTo("Kitchen");
        assertThat(m.origins().get(1).field("text")).isEqualTo("properties.products[1].name");
    }

    @Test
    void otherEventsAndCallsAreIgnoredNeverRejected() {
        SegmentSpec.Mapped m = batch("{'type':'track','event':'Checkout Started','userId':'u'}",
                "{'type':'page','name':'Home','userId':'u'}", "{'type':'screen','anonymousId':'a'}",
                "{'type':'group','groupId':'g','userId':'u'}", "{'type':'identify','userId':'u','traits':{}}",
                "{'type':'track','event':'Order Completed','userId':'u','properties':{}}");

        assertThat(m.outcomes()).containsOnly(Outcome.IGNORED);
        assertThat(m.events()).isEmpty();
        assertThat(m.rejections()).isEmpty();
        assertThat(m.calls()).containsExactly(Call.TRACK, Call.PAGE, Call.SCREEN, Call.GROUP, Call.IDENTIFY,
                Call.TRACK);
    }

    @Test
    void anonymousMessagesBelongToTheAnonymousShopperAndBothIdsLinkThem() {
        SegmentSpec.Mapped m = batch(
                "{'type':'track','event':'Product Viewed','anonymousId':'a-1','properties':{'name':'Tin'}}",
                "{'type':'identify','userId':'u-1','anonymousId':'a-1'}",
                "{'type':'track','event':'Product Viewed','userId':'u-1','anonymousId':'a-1','properties':{'name':'Mug'}}");

        assertThat(m.events()).hasSize(4);
        assertThat(m.events().get(0).get("userId").textValue()).isEqualTo("anonymous:a-1");
        JsonNode link = m.events().get(1);
        assertThat(link.get("type").textValue()).isEqualTo("identify");
        assertThat(link.get("userId").textValue()).isEqualTo("u-1");
        assertThat(link.get("previousId").textValue()).isEqualTo("anonymous:a-1");
        assertThat(m.events().get(2)).as("the same pair, the same link event id: the dedup window collapses it")
                .isEqualTo(link);
        assertThat(m.events().get(3).get("userId").textValue()).isEqualTo("u-1");
        assertThat(m.outcomes()).containsExactly(Outcome.MAPPED, Outcome.MAPPED, Outcome.MAPPED);
    }

    @Test
    void aliasMergesThePreviousIdWhetherItWasAUserIdOrAnAnonymousId() {
        SegmentSpec.Mapped m = batch("{'type':'alias','previousId':'old','userId':'new'}");

        assertThat(m.events()).extracting(e -> e.get("previousId").textValue())
                .containsExactly("old", "anonymous:old");
        assertThat(m.events()).allSatisfy(e -> assertThat(e.get("userId").textValue()).isEqualTo("new"));
    }

    @Test
    void specViolationsAreRejectedNamingTheSegmentField() {
        SegmentSpec.Mapped m = batch("{'type':'track','event':'Product Viewed','properties':{'name':'x'}}",
                "{'type':'track','userId':'u'}",
                "{'type':'track','event':'Product Viewed','userId':'u','properties':{'price':3}}",
                "{'type':'track','event':'Order Completed','userId':'u','properties':{'products':[{'name':'a'},{}]}}",
                "{'type':'alias','userId':'u'}", "{'type':'bogus','userId':'u'}",
                "{'type':'track','event':'Product Viewed','userId':'anonymous:x','properties':{'name':'x'}}",
                "{'type':'identify','anonymousId':'" + "a".repeat(SegmentSpec.MAX_ANONYMOUS_ID + 1) + "'}", "[1]");

        assertThat(m.rejections()).extracting(Rejection::index, Rejection::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, "userId"), org.assertj.core.groups.Tuple.tuple(1, "event"),
                org.assertj.core.groups.Tuple.tuple(2, "properties.name"),
                org.assertj.core.groups.Tuple.tuple(3, "properties.products[1].name"),
                org.assertj.core.groups.Tuple.tuple(4, "previousId"), org.assertj.core.groups.Tuple.tuple(5, "type"),
                org.assertj.core.groups.Tuple.tuple(6, "userId"), org.assertj.core.groups.Tuple.tuple(7, "anonymousId"),
                org.assertj.core.groups.Tuple.tuple(8, "message"));
        assertThat(m.events()).as("a rejected message yields nothing, not even its first products").isEmpty();
        assertThat(m.outcomes()).containsOnly(Outcome.REJECTED);
    }

    @Test
    void theTimestampIsCorrectedForTheClientClockBySentAt() {
        // The client's clock is 10 minutes behind: sentAt 09:50 arrived at 10:00.
        SegmentSpec.Mapped m = SegmentSpec.map(List.of(json("{'type':'track','event':'Product Viewed','userId':'u',"
                + "'timestamp':'2026-12-02T09:45:00+00:00','properties':{'name':'x'}}")), null,
                JSON.getNodeFactory().textNode("2026-12-02T09:50:00.000Z"), NOW);
        SegmentSpec.Mapped own = SegmentSpec.map(List.of(json("{'event':'Product Viewed','userId':'u',"
                + "'timestamp':'2026-12-02T11:45:00+01:00','sentAt':'2026-12-02T09:59:00Z','properties':{'name':'x'}}")),
                Call.TRACK, JSON.getNodeFactory().textNode("2026-12-02T09:50:00Z"), NOW);
        SegmentSpec.Mapped unreadable = batch("{'type':'track','event':'Product Viewed','userId':'u',"
                + "'timestamp':'yesterday','properties':{'name':'x'}}");

        assertThat(m.events().get(0).get("occurredAt").textValue()).isEqualTo("2026-12-02T09:55:00Z");
        assertThat(own.events().get(0).get("occurredAt").textValue()).as("the message's own sentAt wins")
                .isEqualTo("2026-12-02T10:46:00Z");
        assertThat(unreadable.events().get(0).get("occurredAt").textValue())
                .as("passed on, so the ingestion path rejects it naming timestamp").isEqualTo("yesterday");
    }

    @Test
    void theIngestionPathsRejectionsAreRestatedInSegmentTerms() {
        SegmentSpec.Origin product = new SegmentSpec.Origin(3, "properties.products[2]", false, true, "previousId");
        SegmentSpec.Origin search = new SegmentSpec.Origin(0, "properties", true, false, "anonymousId");

        assertThat(product.restate(new Rejection(9, "text", "text must be at most 2000 characters but had 2001")))
                .isEqualTo(new Rejection(3, "properties.products[2].name",
                        "properties.products[2].name must be at most 2000 characters but had 2001"));
        assertThat(product.restate(new Rejection(9, "userId", "userId must not contain control characters")))
                .isEqualTo(new Rejection(3, "anonymousId", "anonymousId must not contain control characters"));
        assertThat(search.field("text")).isEqualTo("properties.query");
        assertThat(search.field("occurredAt")).isEqualTo("timestamp");
        assertThat(search.field("eventId")).isEqualTo("messageId");
        assertThat(search.field("previousId")).isEqualTo("anonymousId");
    }
}
