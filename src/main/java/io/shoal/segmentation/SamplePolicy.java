package io.shoal.segmentation;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * Which shoppers' profiles are kept in the bounded profile sample that seeding, refits, rescue and the drift check
 * read.
 *
 * <h2>Rule: bottom-k by a hash of the user id</h2>
 * Every user has a fixed priority h(u) in [0, 1) (FNV-1a 64 of the UTF-8 id, top 52 bits). The sample holds the
 * {@code cap} users with the smallest priority among all users with a profile; a kept user's vector is replaced on
 * each write. Since h does not depend on behaviour or arrival order, the sample is a uniform random sample of the
 * users, the same in every driver and every run (the Redis script and the in-memory driver keep the same users), and
 * a user, once in, stays in until cap users of lower priority arrived.
 *
 * <p>Boundary values: cap ≥ number of users keeps every user; the sample never exceeds cap.
 */
public final class SamplePolicy {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * The sample's order: by priority, ties by id. Both drivers hand the sample to the engine in this order, so that
     * k-means++ (which draws by index) sees the same points in the same order.
     */
    public static final Comparator<String> ORDER = Comparator.comparingDouble(SamplePolicy::priority)
            .thenComparing(Comparator.naturalOrder());

    private SamplePolicy() {
    }

    /** h(u) in [0, 1): the user's priority, smaller is kept first. */
    public static double priority(String userId) {
        long h = FNV_OFFSET;
        for (byte b : userId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        // Mix the low bits up so that ids differing in their last characters spread over the range.
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        return (h >>> 12) / (double) (1L << 52);
    }
}
