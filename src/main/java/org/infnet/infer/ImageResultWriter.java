package org.infnet.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.infnet.image.Calibration3D;
import org.infnet.io.ImageFiles;

/**
 * Writes outputs as image files: a probability map as a 32-bit TIFF ({@code .tif}); a mask or a label image of a single
 * slice as a PNG ({@code .png}: a mask 0/255 gray, labels indexed-colour with their palette), of a stack as an 8-bit
 * TIFF (labels with their palette as LUT). TIFFs carry the input's calibration.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param depth slices
 * @param cal pixel size and slice spacing
 */
public record ImageResultWriter(int width, int height, int depth, Calibration3D cal) implements ResultWriter {

    @Override
    public void write(String base, List<OutputMap> maps, Path outDir, Path[] prot, List<Path> written)
            throws IOException {
        for (OutputMap m : maps) {
            String title = base + m.suffix();
            Path f;
            if (m.floats() != null) {
                f = outDir.resolve(title + ".tif");
                ImageFiles.writeFloatTiff(f, m.floats(), width, height, depth, title, cal, prot);
            } else if (depth > 1) {
                f = outDir.resolve(title + ".tif");
                ImageFiles.writeByteTiff(f, m.bytes(), width, height, depth, title, cal, m.lut(), prot);
            } else {
                f = outDir.resolve(title + ".png");
                if (m.isMask()) {
                    ImageFiles.writePng8(f, m.bytes(), width, height, prot);
                } else {
                    ImageFiles.writeIndexedPng(f, m.bytes(), width, height, m.lut(), prot);
                }
            }
            written.add(f);
        }
    }
}
