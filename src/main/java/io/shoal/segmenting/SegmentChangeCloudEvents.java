package io.shoal.segmenting;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;

import io.shoal.event.SegmentChangeEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;

/**
 * The CloudEvents 1.0 attributes of a segment change on the Kafka {@code segment-changes} topic (binary mode: the
 * JSON change is the record's value, the attributes are {@code ce_*} headers), so a marketing tool can trigger a
 * campaign on {@code type}:
 * <ul>
 * <li>{@code type}: {@code io.shoal.segment.entered}, {@code .exited} or {@code .lineage};</li>
 * <li>{@code source}: {@code /shoal/segments/<segment id>}; {@code subject}: the shopper (lineage: the segment);</li>
 * <li>{@code id}: a hash of the change's fields, so the same change published twice (a retried batch) has the same
 * id and consumers can drop the second; {@code time}: the change's event time;</li>
 * <li>extensions {@code shoalreason} (assigned, moved, refit, rescue, identity-merge, ...) and
 * {@code shoalmodelversion}.</li>
 * </ul>
 * The data carries the reason too (and every other field of {@link SegmentChangeEvent}).
 */
public final class SegmentChangeCloudEvents {

    static final String TYPE_PREFIX = "io.shoal.segment.";

    private SegmentChangeCloudEvents() {
    }

    public static OutgoingCloudEventMetadata<SegmentChangeEvent> metadata(SegmentChangeEvent e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT);
        return OutgoingCloudEventMetadata.<SegmentChangeEvent>builder()
                .withId(id(e))
                .withType(TYPE_PREFIX + kind)
                .withSource(URI.create("/shoal/segments/" + e.segmentId()))
                .withSubject(e.userId() != null ? e.userId() : Long.toString(e.segmentId()))
                .withTimestamp(e.at().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withExtension("shoalreason", e.reason() == null ? "" : e.reason())
                .withExtension("shoalmodelversion", Long.toString(e.modelVersion()))
                .build();
    }

    static String id(SegmentChangeEvent e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String fields = e.kind() + "|" + e.segmentId() + "|" + e.userId() + "|" + e.otherSegmentId() + "|"
                    + e.at().toEpochMilli() + "|" + e.modelVersion() + "|" + e.reason();
            return HexFormat.of().formatHex(sha.digest(fields.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", x);
        }
    }
}
