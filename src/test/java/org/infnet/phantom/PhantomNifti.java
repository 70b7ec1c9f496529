package org.infnet.phantom;

import java.io.IOException;
import java.nio.file.Path;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiWriter;

/**
 * Writes {@link PhantomVolume}s as NIfTI-1 files (for tests and demos; nothing is committed as data).
 *
 * <p>The phantom is rendered in the canonical axial layout of {@link NiftiGeometry} (anterior up,
 * patient's right on the image left; slice index taken as inferior to superior), so voxels are
 * written unchanged: HU as float32 with the phantom's voxel size in mm, origin at the world origin.
 */
public final class PhantomNifti {

    private PhantomNifti() {
    }

    /** The NIfTI geometry of {@code v}. */
    public static NiftiGeometry geometry(PhantomVolume v) {
        return NiftiGeometry.of(v.width(), v.height(), v.depth(), v.calibration());
    }

    /** Writes the HU volume as float32 ({@code .nii} or {@code .nii.gz}); returns {@code target}. */
    public static Path write(PhantomVolume v, Path target) throws IOException {
        NiftiWriter.writeFloat32(target, geometry(v), v.hu());
        return target;
    }

    /**
     * Writes the HU volume as int16, rounded, as scanners and {@code dcm2niix} store CT ({@code .nii} or {@code
     * .nii.gz}, zlib's default level); returns {@code target}.
     */
    public static Path writeInt16(PhantomVolume v, Path target) throws IOException {
        float[] hu = v.hu();
        short[] s = new short[hu.length];
        for (int i = 0; i < hu.length; i++) {
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(hu[i])));
        }
        NiftiWriter.writeInt16(target, geometry(v), s);
        return target;
    }

    /** Writes a 0/1 mask of {@code v} (e.g. {@code v.lung()}, {@code v.infection()}) as uint8; returns {@code target}. */
    public static Path writeMask(byte[] mask, PhantomVolume v, Path target) throws IOException {
        NiftiWriter.writeUInt8(target, geometry(v), mask);
        return target;
    }

    /**
     * Command line: {@code PhantomNifti OUT.nii.gz [seed] [size] [depth] [sliceMm]} writes a phantom
     * CT volume and beside it {@code OUT_lung.nii.gz} and {@code OUT_infection.nii.gz}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PhantomNifti OUT.nii.gz [seed] [size] [depth] [sliceMm]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 24;
        double mm = args.length > 4 ? Double.parseDouble(args[4]) : 5.0;
        PhantomVolume v = new PhantomGenerator(seed).volume(PhantomGenerator.Params.defaults().withSize(size)
                .withLesionCount(6), depth, mm);
        write(v, out);
        String base = org.infnet.io.nifti.NiftiReader.baseName(out);
        writeMask(v.lung(), v, out.resolveSibling(base + "_lung.nii.gz"));
        writeMask(v.infection(), v, out.resolveSibling(base + "_infection.nii.gz"));
        System.out.printf(java.util.Locale.ROOT, "wrote %s: %dx%dx%d, infected %.2f mL of %.2f mL lung%n", out,
                v.width(), v.height(), v.depth(), v.infectedVolumeMl(), v.lungVolumeMl());
    }
}
