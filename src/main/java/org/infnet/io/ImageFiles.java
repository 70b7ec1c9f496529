package org.infnet.io;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import org.infnet.image.Calibration3D;
import org.infnet.image.GrayImage;
import org.infnet.image.ImageConversions;
import org.infnet.image.Luminance;

/**
 * Reading and writing image files through ImageJ 1.x, headless-safe (PNG, JPEG, TIFF and
 * other formats ImageJ opens without a GUI), plus NIfTI-1 volumes ({@code .nii}, {@code .nii.gz})
 * read by {@link org.infnet.io.nifti.NiftiReader} as 32-bit stacks in HU, canonical axial layout,
 * calibration in mm.
 *
 * <p>Reading: any file {@link IJ#openImage(String)} opens becomes a {@link GrayImage}; problems
 * (missing file, directory, zero-byte file, unreadable/truncated/unsupported content, 4D/5D
 * hyperstack) are reported as a single {@link IOException} whose message names the file and
 * the problem.
 *
 * <p>Writing is atomic: data go to a hidden temporary file in the target's folder, which is then
 * renamed over the target with an atomic move ({@link AtomicFiles}) (falling back to a plain
 * replacing move only if the file system cannot move atomically). Readers therefore never see a
 * half-written file, and no temporary file remains after success or failure. Every write method
 * accepts "protected" paths (typically the input the data came from) and refuses, with an
 * IOException, to write to a target that is the same file as any of them.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Opens {@code file} with ImageJ and returns its gray values (see {@link GrayImage}).
     *
     * @throws IOException naming the file if it is missing, not a regular file, empty, not
     *                     readable by ImageJ (unsupported, corrupt or truncated), or a hyperstack
     *                     with several channels/frames
     */
    public static GrayImage read(Path file) throws IOException {
        ImagePlus imp = open(file);
        try {
            ImageConversions.requireXYorXYZ(imp);
        } catch (IllegalArgumentException e) {
            throw new IOException("Cannot use image file " + file + ": " + e.getMessage(), e);
        }
        float[] px = ImageConversions.toFloatArray(imp);
        return new GrayImage(imp.getWidth(), imp.getHeight(), imp.getStackSize(), imp.getBitDepth(), px,
                Calibration3D.from(imp));
    }

    /**
     * Opens {@code file} and returns the gray values it shows, as the evaluation reads predictions and ground
     * truth: 8-bit gray, 16-bit and 32-bit stored values (no density calibration); RGB images, and 8-bit images
     * whose LUT is not the identity gray ramp (palettes, inverted LUTs), as the {@link Luminance} of the displayed
     * colour (not rounded). Every slice of a stack is read.
     *
     * @throws IOException as {@link #open}
     */
    public static GrayImage readAsDisplayed(Path file) throws IOException {
        ImagePlus imp = open(file);
        try {
            int w = imp.getWidth();
            int h = imp.getHeight();
            int d = imp.getStackSize();
            float[] out = new float[w * h * d];
            for (int z = 0; z < d; z++) {
                displayedValues(imp.getType(), imp.getStack().getProcessor(z + 1), out, z * w * h);
            }
            return new GrayImage(w, h, d, imp.getBitDepth(), out, Calibration3D.from(imp));
        } finally {
            imp.close();
        }
    }

    /** The displayed gray values of one slice of an image of ImageJ type {@code type}, into {@code out}. */
    private static void displayedValues(int type, ij.process.ImageProcessor ip, float[] out, int off) {
        int n = ip.getWidth() * ip.getHeight();
        switch (type) {
            case ImagePlus.GRAY8, ImagePlus.COLOR_256 -> {
                byte[] p = (byte[]) ip.getPixels();
                float[] lum = lutLuminance(ip);
                for (int i = 0; i < n; i++) {
                    out[off + i] = lum == null ? p[i] & 0xff : lum[p[i] & 0xff];
                }
            }
            case ImagePlus.GRAY16 -> {
                short[] p = (short[]) ip.getPixels();
                for (int i = 0; i < n; i++) {
                    out[off + i] = p[i] & 0xffff;
                }
            }
            case ImagePlus.GRAY32 -> System.arraycopy((float[]) ip.getPixels(), 0, out, off, n);
            case ImagePlus.COLOR_RGB -> {
                int[] p = (int[]) ip.getPixels();
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) Luminance.ofRgb(p[i]);
                }
            }
            default -> throw new IllegalArgumentException("unsupported ImageJ type " + type);
        }
    }

    /**
     * Luminance of each of the 256 LUT entries of an 8-bit image, or null if the LUT is the identity gray ramp
     * (then raw values are used). Palette images (e.g. a 1-bit mask whose index 1 is white) thus read as their
     * displayed gray levels.
     */
    private static float[] lutLuminance(ij.process.ImageProcessor ip) {
        ij.process.LUT cm = ip.getLut();
        if (cm == null) {
            return null;
        }
        int size = cm.getMapSize();
        boolean identity = size == 256;
        float[] lum = new float[256];
        for (int k = 0; k < 256; k++) {
            int idx = Math.min(k, size - 1);
            int r = cm.getRed(idx);
            int g = cm.getGreen(idx);
            int b = cm.getBlue(idx);
            identity &= r == k && g == k && b == k;
            lum[k] = (float) Luminance.of(r, g, b);
        }
        return identity ? null : lum;
    }

    /**
     * Opens {@code file} as an ImagePlus, with the same checks and error messages as
     * {@link #read(Path)} (hyperstacks are not rejected here).
     */
    public static ImagePlus open(Path file) throws IOException {
        if (file == null) {
            throw new IOException("No image file given (null path)");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("Image path " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new IOException("Image file " + file + " is not readable (permissions)");
        }
        if (Files.size(file) == 0) {
            throw new IOException("Image file " + file + " is empty (0 bytes)");
        }
        checkNameEncoding(file);
        if (InputFile.of(file).kind() == InputFile.Kind.NIFTI) {
            org.infnet.io.nifti.NiftiVolume v = org.infnet.io.nifti.NiftiReader.read(file);
            return ImageConversions.toImagePlus(v.data(), v.width(), v.height(), v.depth(),
                    org.infnet.io.nifti.NiftiReader.baseName(file), v.calibration());
        }
        ImagePlus imp;
        try {
            imp = RawPng.open(file);
            if (imp == null) {
                checkTiffPages(file);
                imp = IJ.openImage(file.toAbsolutePath().toString());
            }
        } catch (RuntimeException e) { // a corrupt file that ImageJ's decoders trip over (e.g. a negative array size)
            throw new IOException("Image file " + file
                    + " could not be opened by ImageJ (unsupported format, corrupt or truncated)", e);
        }
        if (imp == null || imp.getProcessor() == null || imp.getWidth() < 1 || imp.getHeight() < 1) {
            throw new IOException("Image file " + file
                    + " could not be opened by ImageJ (unsupported format, corrupt or truncated)");
        }
        return imp;
    }

    /**
     * An image file as {@link #openAsSeen} reads it: the image and what the reader noticed and the user should be told
     * (one sentence each, without the file name).
     *
     * @param image    the image (8-bit gray, RGB, 16-bit or 32-bit; never a palette image)
     * @param warnings what was noticed, e.g. that transparency was ignored
     */
    public record Seen(ImagePlus image, java.util.List<String> warnings) {}

    /**
     * Opens {@code file} as {@link #open} does, then gives the image the values it shows rather than the values it
     * stores where the two differ: an 8-bit image with a lookup table that is not the plain gray ramp (a palette
     * PNG or GIF, an inverting LUT) gets the gray values of its table's colours (Rec.601 luminance for colour
     * palettes, with a warning). PNG transparency is ignored: the stored gray or colour values are used as they
     * are, not composited on white; {@link Seen#warnings} says when some pixels were not fully opaque.
     *
     * @throws IOException as {@link #open}
     */
    public static Seen openAsSeen(Path file) throws IOException {
        ImagePlus imp = open(file);
        java.util.List<String> warnings = new java.util.ArrayList<>();
        Object transparency = imp.getProperty(RawPng.TRANSPARENT);
        if (transparency != null) {
            warnings.add(transparency + " pixels are partly or fully transparent; transparency was ignored and their"
                    + " stored values used (a CT slice has no transparency)");
        }
        if (imp.getBitDepth() == 8 && !imp.getProcessor().isDefaultLut()) {
            ij.process.LUT cm = imp.getProcessor().getLut();
            int size = cm.getMapSize();
            byte[] table = new byte[256];
            boolean gray = true;
            for (int i = 0; i < 256; i++) {
                int c = i < size ? cm.getRGB(i) : 0;
                int r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
                gray &= r == g && g == b;
                table[i] = (byte) Math.round(Luminance.of(r, g, b));
            }
            if (!gray) {
                warnings.add("colour palette image: taken as the gray levels (luminance) of its colours");
            }
            ij.ImageStack in = imp.getStack();
            ij.ImageStack out = new ij.ImageStack(imp.getWidth(), imp.getHeight());
            for (int z = 1; z <= in.getSize(); z++) {
                byte[] src = (byte[]) in.getPixels(z);
                byte[] dst = new byte[src.length];
                for (int i = 0; i < src.length; i++) {
                    dst[i] = table[src[i] & 0xff];
                }
                out.addSlice(in.getSliceLabel(z), new ij.process.ByteProcessor(imp.getWidth(), imp.getHeight(), dst));
            }
            ImagePlus seen = new ImagePlus(imp.getTitle(), out);
            seen.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
            seen.setCalibration(imp.getCalibration().copy());
            seen.getCalibration().disableDensityCalibration();
            imp = seen;
        }
        return new Seen(imp, java.util.List.copyOf(warnings));
    }

    /**
     * Refuses a file name that the JVM could not decode: with LANG/LC_ALL unset the file-name encoding is ASCII
     * ({@code sun.jnu.encoding=ANSI_X3.4-1968}), and names with other characters come out with U+FFFD in them, so
     * that neither the file nor its outputs can be named.
     */
    static void checkNameEncoding(Path file) throws IOException {
        if (file.toString().indexOf('\uFFFD') >= 0) {
            throw new IOException(encodingProblem(file));
        }
    }

    /** The one-line explanation of {@link #checkNameEncoding}. */
    public static String encodingProblem(Object file) {
        return file + ": the file name has characters that the system's file-name encoding ("
                + System.getProperty("sun.jnu.encoding") + ") cannot represent; run with a UTF-8 locale (e.g."
                + " LANG=C.UTF-8) or rename the file";
    }

    /**
     * Refuses a multi-page TIFF whose pages differ in size or pixel type (ImageJ would read its first page only;
     * pages of one size and type are read as a stack), and an uncompressed TIFF whose header claims more pixel data
     * than the file holds (a corrupt header: ImageJ would allocate and read all of it).
     */
    private static void checkTiffPages(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!n.endsWith(".tif") && !n.endsWith(".tiff")) {
            return;
        }
        FileInfo[] pages;
        try {
            Path abs = file.toAbsolutePath();
            pages = new ij.io.TiffDecoder(abs.getParent().toString() + java.io.File.separator,
                    abs.getFileName().toString()).getTiffInfo();
        } catch (IOException | RuntimeException e) {
            return; // not a TIFF ImageJ can parse: ImageJ's own opener says so
        }
        if (pages == null || pages.length == 0) {
            return;
        }
        long size = Files.size(file);
        for (FileInfo p : pages) {
            // an uncompressed page whose header claims more pixels than the file holds (ImageJ would allocate them all)
            long bytes = (long) p.width * p.height * Math.max(1, p.nImages) * p.getBytesPerPixel()
                    + (long) Math.max(0, p.nImages - 1) * Math.max(0, p.gapBetweenImages);
            if (p.compression == FileInfo.COMPRESSION_NONE && p.getOffset() + bytes > size) {
                throw new IOException("Image file " + file + " is truncated or corrupt: its header describes "
                        + p.width + "x" + p.height + (p.nImages > 1 ? "x" + p.nImages : "") + " pixels (" + bytes
                        + " bytes from offset " + p.getOffset() + "), but the file has " + size + " bytes");
            }
        }
        if (pages.length < 2) {
            return;
        }
        java.util.LinkedHashSet<String> kinds = new java.util.LinkedHashSet<>();
        for (FileInfo p : pages) {
            kinds.add(p.width + "x" + p.height + " " + p.getBytesPerPixel() * 8 + "-bit");
        }
        if (kinds.size() > 1) {
            throw new IOException("Image file " + file + " holds " + pages.length + " pages of different sizes or"
                    + " types (" + String.join(", ", kinds) + "); only the first would be read: save each page"
                    + " as its own file (or pages of one size as a stack) and segment those");
        }
    }

    /**
     * Writes a 2D float image as a 32-bit TIFF, atomically.
     *
     * @param target    destination file (parent folder must exist)
     * @param pixels    values, length {@code width*height}
     * @param cal       spatial calibration stored in the TIFF (null = uncalibrated)
     * @param protectedPaths files that must never be overwritten (e.g. the input)
     */
    public static void writeFloatTiff(Path target, float[] pixels, int width, int height, Calibration3D cal,
            Path... protectedPaths) throws IOException {
        writeTiff(target, ImageConversions.toImagePlus(pixels, width, height, 1, baseName(target), cal), protectedPaths);
    }

    /** Extensions (lower case) of the 2D image files this tool reads from folders. */
    public static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png", "tif", "tiff");

    /**
     * An image file read for segmentation: its pixels as the segmenter takes them ({@link
     * ImageConversions#toSegmentationInput}: 8-bit gray stays 8-bit, everything else 32-bit), its calibration and
     * what the reader noticed ({@link Seen#warnings}).
     *
     * @param img    X, Y (and Z for a stack) pixels
     * @param cal    pixel size and slice spacing
     * @param warnings one sentence each, without the file name
     */
    public record SegmentationInput(Img<? extends RealType<?>> img, Calibration3D cal, List<String> warnings) {

        /** Width, height and number of slices. */
        public int width() {
            return (int) img.dimension(0);
        }

        public int height() {
            return (int) img.dimension(1);
        }

        public int depth() {
            return img.numDimensions() > 2 ? (int) img.dimension(2) : 1;
        }
    }

    /**
     * Reads {@code file} as {@link #openAsSeen} does, for segmentation: one 2D image or one stack of same-size
     * slices.
     *
     * @throws IOException as {@link #open}, or naming the file when it holds channels or time points
     */
    public static SegmentationInput openForSegmentation(Path file) throws IOException {
        Seen seen = openAsSeen(file);
        ImagePlus imp = seen.image();
        try {
            ImageConversions.requireXYorXYZ(imp);
            return new SegmentationInput(ImageConversions.toSegmentationInput(imp), Calibration3D.from(imp),
                    seen.warnings());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes 32-bit values ({@code width * height * depth}, slice after slice) as a calibrated TIFF, atomically. */
    public static void writeFloatTiff(Path target, float[] values, int width, int height, int depth, String title,
            Calibration3D cal, Path... protectedPaths) throws IOException {
        writeTiff(target, ImageConversions.toImagePlus(values, width, height, depth, title, cal), protectedPaths);
    }

    /**
     * Writes 8-bit values ({@code width * height * depth}) as a calibrated TIFF, atomically; with {@code lut}
     * ({@code [r, g, b]}, 256 entries each) as an indexed-colour image, else gray.
     */
    public static void writeByteTiff(Path target, byte[] values, int width, int height, int depth, String title,
            Calibration3D cal, byte[][] lut, Path... protectedPaths) throws IOException {
        ImagePlus imp = ImageConversions.toImagePlus8(values, width, height, depth, title, cal);
        if (lut != null) {
            ij.process.LUT l = new ij.process.LUT(lut[0], lut[1], lut[2]);
            imp.getProcessor().setLut(l);
            imp.getStack().setColorModel(l);
        }
        writeTiff(target, imp, protectedPaths);
    }

    /**
     * Writes an ImagePlus (2D or stack, any bit depth) as TIFF, atomically, from its own pixel arrays (no copy). The
     * ImagePlus is not modified.
     */
    public static void writeTiff(Path target, ImagePlus imp, Path... protectedPaths) throws IOException {
        atomicWrite(target, out -> {
            // what FileSaver.saveAsTiff(Stack) does, but into our stream, so that write errors reach the caller
            FileInfo fi = imp.getFileInfo();
            fi.info = imp.getInfoProperty();
            fi.description = new FileSaver(imp).getDescriptionString();
            if (imp.getStackSize() > 1) {
                fi.sliceLabels = imp.getStack().getSliceLabels();
            }
            new TiffEncoder(fi).write(out);
        }, protectedPaths);
    }

    /**
     * Writes a 2D 8-bit gray PNG ({@code (b & 0xff)} per pixel, gray palette), atomically.
     * Suitable for display images (0..255), binary masks (0/255) and class labels (0,1,2...).
     */
    public static void writePng8(Path target, byte[] pixels, int width, int height, Path... protectedPaths)
            throws IOException {
        checkPngSize(pixels, width, height);
        atomicWrite(target, out -> PngEncoder.writeGray8(out, pixels, width, height), protectedPaths);
    }

    /**
     * Writes a 2D 8-bit image whose values are palette indices (a label image) as an indexed-colour PNG with
     * the lookup table {@code lut[channel][index]} (channels red, green, blue; 256 entries each), atomically.
     * Readers that take stored values (ImageJ's raw pixels, {@link #read}) get the indices back; viewers show
     * the colours.
     */
    public static void writeIndexedPng(Path target, byte[] pixels, int width, int height, byte[][] lut,
            Path... protectedPaths) throws IOException {
        checkPngSize(pixels, width, height);
        atomicWrite(target, out -> PngEncoder.writeIndexed8(out, pixels, width, height, lut), protectedPaths);
    }

    private static void checkPngSize(byte[] pixels, int width, int height) {
        if (pixels.length != (long) width * height) {
            throw new IllegalArgumentException(width + "x" + height + " PNG needs " + (long) width * height
                    + " pixels, got " + pixels.length);
        }
    }

    /**
     * Writes values in [0,1] as an 8-bit gray PNG: {@code round(clamp(v,0,1)*255)}, NaN -> 0.
     */
    public static void writePng8Unit(Path target, float[] unit, int width, int height, Path... protectedPaths)
            throws IOException {
        byte[] b = new byte[unit.length];
        for (int i = 0; i < b.length; i++) {
            float v = unit[i];
            v = Float.isNaN(v) ? 0 : v < 0 ? 0 : v > 1 ? 1 : v;
            b[i] = (byte) Math.round(v * 255f);
        }
        writePng8(target, b, width, height, protectedPaths);
    }

    /** Throws if {@code target} denotes the same file as any of {@code protectedPaths}. */
    public static void checkNotProtected(Path target, Path... protectedPaths) throws IOException {
        if (protectedPaths == null) {
            return;
        }
        Path t = target.toAbsolutePath().normalize();
        for (Path p : protectedPaths) {
            if (p == null) {
                continue;
            }
            Path q = p.toAbsolutePath().normalize();
            boolean same = t.equals(q);
            if (!same && Files.exists(t) && Files.exists(q)) {
                same = Files.isSameFile(t, q);
            }
            if (same) {
                throw new IOException("Refusing to overwrite protected input file " + p + " (output target " + target + ")");
            }
        }
    }

    private static void atomicWrite(Path target, AtomicFiles.Writer writer, Path... protectedPaths) throws IOException {
        checkNotProtected(target, protectedPaths);
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("Output folder of " + target + " does not exist");
        }
        AtomicFiles.write(target, writer);
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
