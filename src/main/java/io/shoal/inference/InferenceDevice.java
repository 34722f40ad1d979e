package io.shoal.inference;

/** Where ONNX Runtime runs the model. */
public enum InferenceDevice {
    /** The GPU when the CUDA build of ONNX Runtime is on the classpath and a GPU is visible, else the CPU. */
    AUTO,
    /** Always the CPU. */
    CPU,
    /** The GPU, or fail at start when there is none. */
    GPU
}
