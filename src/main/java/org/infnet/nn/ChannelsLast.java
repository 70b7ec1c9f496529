package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's channels-last memory layout ({@code torch.channels_last}) for the convolution weights, which DJL
 * does not expose.
 *
 * <p>oneDNN, PyTorch's CPU convolution, computes a convolution natively in NHWC when its weight (or input) is
 * channels-last, and its output keeps that layout, so batch norm, ReLU, additions and the next convolution stay
 * in it; with the default NCHW layout every convolution reorders its input and output instead. Measured on the
 * 2-core machine (network only, the same weights and input): the compact model 46 -> 35 ms per slice (batch 4,
 * two streams), the full Inf-Net 346-525 -> 305-318 ms (batch 1, two threads). The values are the same up to
 * float rounding (the summation order of the convolutions differs).
 *
 * <p>A channels-last array has NCHW's shape and values, only its strides differ: it is made as
 * {@code x.permute(0, 2, 3, 1)} copied contiguous and permuted back, all differentiable, so a training forward
 * pass can use the copy and the gradient still reaches the parameter.
 *
 * <p>The plain NCHW path, for A/B measurements, is DJL's own {@code ParameterStore}, which serves every parameter as
 * it is ({@code org.infnet.bench.ab.ProfileOps} with {@code -Dprofile.nchw=true}).
 */
public final class ChannelsLast {

    private ChannelsLast() {}

    /**
     * A channels-last copy of the 4-D array {@code x} (same shape, same values), recorded by autograd; it belongs
     * to {@code manager}.
     */
    public static NDArray copyOf(NDArray x, NDManager manager) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("channels-last needs a 4-D array, not " + s);
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray nhwc = x.transpose(0, 2, 3, 1);
            nhwc.attach(tmp);
            NDArray flat = nhwc.reshape(-1); // not viewable: this copy is the NHWC-contiguous storage
            flat.attach(tmp);
            NDArray view = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
            view.attach(tmp);
            NDArray back = view.transpose(0, 3, 1, 2); // shares the storage, which outlives the closed views
            back.attach(manager);
            return back;
        }
    }
}
