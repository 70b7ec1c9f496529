package org.infnet.io;

import java.nio.file.Path;
import java.util.Locale;
import org.infnet.io.nifti.NiftiReader;

/**
 * An input file, sorted once by its name: what reads it, and the base name its outputs are named after. Whether an
 * {@link Kind#IMAGE} is a single slice or a stack is known once it is read ({@link ImageFiles#openForSegmentation}).
 *
 * @param path the file
 * @param kind how it is read
 * @param baseName the file name without its extension ({@code .nii.gz} counts as one)
 */
public record InputFile(Path path, Kind kind, String baseName) {

    /** How an input file is read. */
    public enum Kind {
        /** A PNG, JPEG or TIFF file: one slice, or a stack of slices. */
        IMAGE,
        /** One slice of a DICOM series ({@code .dcm}), read by ImageJ with its rescale to HU. */
        DICOM,
        /** A NIfTI volume ({@code .nii}, {@code .nii.gz}), read while it is segmented. */
        NIFTI
    }

    /** The kind of {@code path} by its name (an unknown extension: {@link Kind#IMAGE}, left to the image reader). */
    public static InputFile of(Path path) {
        String n = path.getFileName().toString();
        String l = n.toLowerCase(Locale.ROOT);
        if (NiftiReader.isNifti(path)) {
            return new InputFile(path, Kind.NIFTI, NiftiReader.baseName(path));
        }
        int dot = n.lastIndexOf('.');
        return new InputFile(path, l.endsWith(".dcm") ? Kind.DICOM : Kind.IMAGE, dot > 0 ? n.substring(0, dot) : n);
    }

    /** Whether {@code path} names a file that a segmentation reads: an image, DICOM or NIfTI file, not hidden. */
    public static boolean isInput(Path path) {
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && (ImageFiles.IMAGE_EXTENSIONS.contains(n.substring(dot + 1))
                || of(path).kind() != Kind.IMAGE);
    }
}
