package io.shoal.evaluation;

import java.util.Collection;
import java.util.Map;

/** Turns normalised texts into unit vectors; the real sentence model in the command, clustered noise in tests. */
public interface TextEmbedder {

    /** A unit vector for every text (each distinct text once). */
    Map<String, float[]> embed(Collection<String> texts);
}
