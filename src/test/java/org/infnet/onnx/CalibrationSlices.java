package org.infnet.onnx;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.infnet.phantom.MakeTestImages;
import org.infnet.phantom.PhantomSlice;

/**
 * Makes {@link OnnxQuantizer#CALIBRATION_RESOURCE} from the phantom generator (which stays out of the plugin jar): the
 * {@value MakeTestImages#COUNT} test slices ({@link MakeTestImages#slice}) in the lung window as 8-bit values ({@link
 * PhantomSlice#lungWindow8}). {@code main [file]} writes it (default: the resource in {@code src/main/resources});
 * {@link OnnxQuantizerTest} checks that the shipped resource holds exactly these values.
 */
public final class CalibrationSlices {

    /** Where the resource lives in the source tree. */
    static final Path SOURCE = Path.of("src/main/resources/org/infnet/onnx", OnnxQuantizer.CALIBRATION_RESOURCE);

    private CalibrationSlices() {}

    /** The resource's content before compression. */
    static byte[] content() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MakeTestImages.COUNT);
            for (int k = 0; k < MakeTestImages.COUNT; k++) {
                PhantomSlice s = MakeTestImages.slice(k);
                out.writeInt(s.width());
                out.writeInt(s.height());
                out.write(s.lungWindow8());
            }
        }
        return bytes.toByteArray();
    }

    /** The shipped resource, decompressed. */
    static byte[] shipped() throws IOException {
        try (InputStream in = new GZIPInputStream(OnnxQuantizer.class.getResourceAsStream(
                OnnxQuantizer.CALIBRATION_RESOURCE))) {
            return in.readAllBytes();
        }
    }

    public static void main(String[] args) throws IOException {
        Path target = args.length > 0 ? Path.of(args[0]) : SOURCE;
        Files.createDirectories(target.toAbsolutePath().getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            out.write(content());
        }
        System.out.println(target + ": " + Files.size(target) + " bytes");
    }
}
