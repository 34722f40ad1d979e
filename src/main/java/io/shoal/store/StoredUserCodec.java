package io.shoal.store;

import io.shoal.config.VectorEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.shoal.segmentation.UserProfile;

/**
 * A user's segmentation state as one compact binary Redis string: a hash with a vector field would be stored as a
 * full hash table (its value is over Redis's listpack limit) and cost about 2 KiB per user; this layout costs the
 * vector plus ~50 bytes (measured in SegmentStoreTest).
 *
 * <pre>
 * byte   format (1)
 * byte   flags: 1 = profile, 2 = segment, 4 = memberships
 * double profile weight, long last event millis      (if profile)
 * long   segment id, long since millis, float similarity, float margin, long model version (if segment)
 * UTF    memberships "id:p,id:p,id:p"                  (if memberships)
 * bytes  profile vector, {@link VectorCodec#encode} format, to the end (if profile)
 * </pre>
 */
public final class StoredUserCodec {

    private static final int FORMAT = 1;

    private StoredUserCodec() {
    }

    public static byte[] write(StoredUser u, VectorEncoding encoding) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (u.profile() == null ? 0 : 4 * u.profile().dimension()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            int flags = (u.profile() != null ? 1 : 0) | (u.segmentId() != null ? 2 : 0)
                    | (u.memberships() != null ? 4 : 0);
            out.writeByte(FORMAT);
            out.writeByte(flags);
            if (u.profile() != null) {
                out.writeDouble(u.profile().weight());
                out.writeLong(u.profile().lastEventMillis());
            }
            if (u.segmentId() != null) {
                out.writeLong(u.segmentId());
                out.writeLong(u.sinceMillis());
                out.writeFloat((float) u.similarity());
                out.writeFloat((float) u.margin());
                out.writeLong(u.modelVersion());
            }
            if (u.memberships() != null) {
                out.writeUTF(u.memberships());
            }
            if (u.profile() != null) {
                out.write(VectorCodec.encode(u.profile().vector(), encoding));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static StoredUser read(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("user record format must be " + FORMAT + " but was " + format);
            }
            int flags = in.readUnsignedByte();
            double weight = 0;
            long last = 0;
            if ((flags & 1) != 0) {
                weight = in.readDouble();
                last = in.readLong();
            }
            Long segment = null;
            long since = 0;
            double sim = Double.NaN;
            double margin = Double.NaN;
            long version = 0;
            if ((flags & 2) != 0) {
                segment = in.readLong();
                since = in.readLong();
                sim = in.readFloat();
                margin = in.readFloat();
                version = in.readLong();
            }
            String memberships = (flags & 4) != 0 ? in.readUTF() : null;
            UserProfile profile = null;
            if ((flags & 1) != 0) {
                profile = new UserProfile(VectorCodec.decode(in.readAllBytes()), weight, last);
            }
            return new StoredUser(profile, segment, since, sim, margin, version, memberships);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
