package io.shoal.store;

import io.shoal.segmentation.SegmentModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;

/** A self-contained binary form of a {@link SegmentModel}, for snapshots in PostgreSQL. */
public final class StoredModelCodec {

    private static final int FORMAT = 1;

    private StoredModelCodec() {
    }

    public static byte[] write(SegmentModel m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeUTF(m.algorithm().name());
            out.writeInt(m.k());
            out.writeInt(m.dimension());
            out.writeLong(m.version());
            out.writeLong(m.nextSegmentId());
            out.writeBoolean(m.squares() != null);
            for (int j = 0; j < m.k(); j++) {
                out.writeLong(m.ids()[j]);
                out.writeDouble(m.weights()[j]);
                out.writeLong(m.createdMillis()[j]);
                for (float x : m.sums()[j]) {
                    out.writeFloat(x);
                }
                if (m.squares() != null) {
                    for (float x : m.squares()[j]) {
                        out.writeFloat(x);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static SegmentModel read(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("model snapshot format must be " + FORMAT + " but was " + format);
            }
            Algorithm algorithm = Algorithm.valueOf(in.readUTF());
            int k = in.readInt();
            int d = in.readInt();
            long version = in.readLong();
            long nextId = in.readLong();
            boolean hasSquares = in.readBoolean();
            long[] ids = new long[k];
            double[] weights = new double[k];
            long[] created = new long[k];
            float[][] sums = new float[k][d];
            float[][] squares = hasSquares ? new float[k][d] : null;
            for (int j = 0; j < k; j++) {
                ids[j] = in.readLong();
                weights[j] = in.readDouble();
                created[j] = in.readLong();
                for (int i = 0; i < d; i++) {
                    sums[j][i] = in.readFloat();
                }
                if (hasSquares) {
                    for (int i = 0; i < d; i++) {
                        squares[j][i] = in.readFloat();
                    }
                }
            }
            return new SegmentModel(algorithm, k, d, version, nextId, ids, weights, sums, squares, created);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
