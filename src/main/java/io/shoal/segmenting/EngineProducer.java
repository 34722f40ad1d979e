package io.shoal.segmenting;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.shoal.config.SegmentationConfig;
import io.shoal.segmentation.SegmentationEngine;

/** The one engine of the process, from the typed configuration; a bad value stops the start naming the key. */
public class EngineProducer {

    @Produces
    @ApplicationScoped
    SegmentationEngine engine(SegmentationConfig config) {
        return new SegmentationEngine(SegmentationConfig.params(config));
    }
}
