package io.shoal.replay;

import java.io.IOException;

/** The mapped lines of a dataset, in file order. */
public interface LineSource {

    /** What the next line became, or null at the end. */
    MappingResult next() throws IOException;

    /** Share of the input consumed so far, in [0, 1], for the ETA. */
    double fractionRead();
}
