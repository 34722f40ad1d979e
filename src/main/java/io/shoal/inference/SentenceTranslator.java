package io.shoal.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

import java.util.Set;

/**
 * Turns one sub-batch of tokenised texts into one model call and its output into unit vectors: pad every row to the
 * sub-batch's longest text (id 0, mask 0, so padded positions take no part in attention or pooling), run the BERT
 * encoder once on the (b, t) matrices, pool each row with its attention mask, L2-normalise. The encoder tokenises
 * (without padding) and chooses the sub-batches ({@link LengthBuckets}).
 * <p>
 * Stateless between calls (the mask travels in the {@link TranslatorContext}), so one instance serves every
 * predictor.
 */
final class SentenceTranslator implements NoBatchifyTranslator<Encoding[], float[][]> {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String MASK_KEY = "attention_mask";

    private final Pooling pooling;
    private final boolean tokenTypes;

    /**
     * @param modelInputs the ONNX graph's input names: token_type_ids is fed only when the graph declares it
     */
    SentenceTranslator(Pooling pooling, Set<String> modelInputs) {
        if (!modelInputs.contains(INPUT_IDS) || !modelInputs.contains(ATTENTION_MASK)) {
            throw new IllegalArgumentException("the model must take " + INPUT_IDS + " and " + ATTENTION_MASK
                    + " but takes " + modelInputs);
        }
        this.pooling = pooling;
        this.tokenTypes = modelInputs.contains(TOKEN_TYPE_IDS);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Encoding[] encodings) {
        int b = encodings.length;
        int t = 0;
        for (Encoding e : encodings) {
            t = Math.max(t, e.getIds().length);
        }
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        for (int i = 0; i < b; i++) {
            int n = encodings[i].getIds().length;
            System.arraycopy(encodings[i].getIds(), 0, ids, i * t, n);
            System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * t, n);
            System.arraycopy(encodings[i].getTypeIds(), 0, types, i * t, n);
        }
        ctx.setAttachment(MASK_KEY, mask);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(b, t);
        NDList inputs = new NDList(named(manager.create(ids, shape), INPUT_IDS),
                named(manager.create(mask, shape), ATTENTION_MASK));
        if (tokenTypes) {
            inputs.add(named(manager.create(types, shape), TOKEN_TYPE_IDS));
        }
        return inputs;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
        // The first output is the last hidden state (b, t, h); a pooled second output, when present, is ignored.
        NDArray hidden = outputs.get(0);
        Shape shape = hidden.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalStateException("expected the last hidden state (batch, tokens, hidden) but got " + shape);
        }
        long[] mask = (long[]) ctx.getAttachment(MASK_KEY);
        return Vectors.pool(hidden.toFloatArray(), mask, (int) shape.get(0), (int) shape.get(1), (int) shape.get(2),
                pooling);
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
