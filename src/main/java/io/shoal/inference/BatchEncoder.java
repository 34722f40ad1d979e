package io.shoal.inference;

import io.smallrye.mutiny.Uni;

import java.util.List;

/** Runs the model on one batch of already normalised texts, off the caller's thread. */
@FunctionalInterface
public interface BatchEncoder {

    /** One unit vector per text, in input order. */
    Uni<float[][]> encode(List<String> texts);
}
