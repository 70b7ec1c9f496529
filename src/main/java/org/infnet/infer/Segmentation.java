package org.infnet.infer;

import java.util.List;

/** The result of segmenting one image, whatever the network: the outputs the file writers write. */
public interface Segmentation {
    /**
     * The outputs to write, in order; the first byte output (the mask or the label image) is the one counted. Their
     * arrays are the result's own (a writer may change a mask's 255 into the label 1 in place).
     */
    List<OutputMap> maps();
}
