package org.infnet.ij1;

import ij.ImagePlus;
import ij.plugin.FolderOpener;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.io.ImageFiles;

/**
 * Opens CT inputs for macros, including the ones plain ImageJ 1.x cannot: NIfTI-1 volumes ({@code .nii},
 * {@code .nii.gz}, as 32-bit HU stacks of axial slices calibrated in mm) and DICOM series folders (sorted
 * by ImageJ's folder opener, HU through the DICOM rescale). Macro use:
 * {@code title = call("org.infnet.ij1.OpenImage.open", path);} returns the title of the image it shows, or
 * {@code "error: ..."}.
 */
public final class OpenImage {

    private OpenImage() {}

    /** Opens and shows {@code path} (a file or a folder of slices); returns the image title or an error line. */
    public static String open(String path) {
        try {
            Path p = Path.of(path);
            ImagePlus imp;
            if (Files.isDirectory(p)) {
                imp = FolderOpener.open(p.toString(), "virtual=false sort");
                if (imp == null) {
                    return "error: no images in folder " + p;
                }
            } else {
                imp = ImageFiles.open(p);
            }
            imp.show();
            return imp.getTitle();
        } catch (Exception e) {
            return "error: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
