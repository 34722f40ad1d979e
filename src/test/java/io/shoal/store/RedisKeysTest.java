package io.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The hash-tag rule a key prefix must meet on a Redis Cluster (Redis's own rule for which part of a key it hashes). */
class RedisKeysTest {

    @Test
    void theTagIsTheTextBetweenTheFirstOpeningBraceAndTheFirstClosingBraceAfterIt() {
        assertThat(RedisKeys.hashTag("{shoal}:")).contains("shoal");
        assertThat(RedisKeys.hashTag("tenant-{a}:{b}:")).contains("a");
        assertThat(RedisKeys.hashTag("x}{shop:1}:")).contains("shop:1");
    }

    @Test
    void aPrefixWithoutAWholeNonEmptyTagHasNone() {
        // No brace; an empty tag (Redis then hashes the whole key); a tag left open for the key's own text to close.
        assertThat(RedisKeys.hashTag("shoal:")).isEmpty();
        assertThat(RedisKeys.hashTag("{}shoal:")).isEmpty();
        assertThat(RedisKeys.hashTag("{shoal:")).isEmpty();
        assertThat(RedisKeys.hashTag("shoal}:")).isEmpty();
    }

    @Test
    void everyKeyUnderATaggedPrefixHashesByTheTagWhateverTheIdsInside() {
        RedisKeys keys = new RedisKeys("{shoal}:");
        for (String key : new String[] {keys.userProfile("{evil}"), keys.seenEvent("u}{", "{e}"), keys.model(),
                keys.recommendationItems("a{b}c")}) {
            assertThat(RedisKeys.hashTag(key)).as(key).contains("shoal");
        }
    }

    @Test
    void theRefusalNamesTheSettingAndAnExample() {
        assertThatThrownBy(() -> RedisKeys.requireHashTag("shoal.redis.key-prefix", "shoal:"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shoal.redis.key-prefix is \"shoal:\"")
                .hasMessageContaining("quarkus.redis.client-type=cluster").hasMessageContaining("{shoal}:");
    }

    @Test
    void theAcknowledgementPathsKeysMayLiveUnderATagOfTheirOwn() {
        RedisKeys keys = new RedisKeys("{shoal}:", "{shoal-ingest}:");
        for (String key : new String[] {keys.eventLog(), keys.eventLogCounts(), keys.seenEvent("u", "e")}) {
            assertThat(RedisKeys.hashTag(key)).as(key).contains("shoal-ingest");
        }
        for (String key : new String[] {keys.model(), keys.userProfile("u"), keys.auditOutbox(), keys.profiled()}) {
            assertThat(RedisKeys.hashTag(key)).as(key).contains("shoal");
        }
        // A scan runs on the slot of the keys it looks for.
        assertThat(keys.slotAnchor(keys.seenEventPattern("u"))).isEqualTo(keys.eventLog());
        assertThat(keys.slotAnchor(keys.userProfilePattern())).isEqualTo(keys.model());
        RedisKeys one = new RedisKeys("{shoal}:");
        assertThat(one.eventLog()).isEqualTo("{shoal}:events");
        assertThat(one.slotAnchor(one.seenEventPattern("u"))).isEqualTo(one.model());
    }

    @Test
    void theUserStatePatternMatchesTheTaggedPrefixLiterally() {
        assertThat(new RedisKeys("{shoal}[1]:").userProfilePattern()).isEqualTo("{shoal}\\[1\\]:u:*");
    }
}
