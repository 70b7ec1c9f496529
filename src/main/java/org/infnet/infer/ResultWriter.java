package org.infnet.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the outputs of one segmented input in one format: {@link ImageResultWriter} (PNG / TIFF) or {@link
 * NiftiResultWriter} (NIfTI volumes). Every file is written atomically and never over a protected path; each file
 * written is added to {@code written} as soon as it is there, so that the caller ({@link FileSegmentation}) can delete
 * them all when one fails (all or nothing).
 */
public interface ResultWriter {
    /**
     * Writes {@code maps} as {@code outDir/base + suffix + extension}, in order.
     *
     * @throws IOException naming the file and the problem
     */
    void write(String base, List<OutputMap> maps, Path outDir, Path[] protectedPaths, List<Path> written)
            throws IOException;
}
