package org.infnet.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.infnet.io.AtomicFiles;
import org.infnet.util.Workers;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiWriter;

/**
 * Writes outputs as NIfTI volumes ({@code .nii.gz}) in the input volume's layout and position: probability maps as
 * float32, masks as uint8 0/1 (a mask's 255 becomes the label 1 in place: the array must be the result's own) and label
 * images as uint8 label values. The probability maps (stored: one thread copying bytes) are written on a second
 * thread while the byte volumes are deflated on the calling one; both finish before {@link #write} returns, so that
 * all or none is left.
 *
 * @param geometry the input volume's geometry
 */
public record NiftiResultWriter(NiftiGeometry geometry) implements ResultWriter {

    @Override
    public void write(String base, List<OutputMap> maps, Path outDir, Path[] prot, List<Path> written)
            throws IOException {
        Path[] files = new Path[maps.size()];
        boolean[] done = new boolean[maps.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = outDir.resolve(base + maps.get(i).suffix() + ".nii.gz");
        }
        ExecutorService writer = Workers.pool("infnet-write", 1);
        try {
            AtomicFiles.Group group = AtomicFiles.Group.current();
            Future<?> floats = writer.submit(() -> {
                try (AutoCloseable bound = AtomicFiles.Group.bind(group)) {
                    for (int i = 0; i < files.length; i++) {
                        if (maps.get(i).floats() != null) {
                            NiftiWriter.writeFloat32(files[i], geometry, maps.get(i).floats(), prot);
                            done[i] = true;
                        }
                    }
                }
                return null;
            });
            Exception failure = null;
            try {
                for (int i = 0; i < files.length; i++) {
                    OutputMap m = maps.get(i);
                    if (m.bytes() != null) {
                        NiftiWriter.writeUInt8(files[i], geometry, m.isMask() ? labelOne(m.bytes()) : m.bytes(), prot);
                        done[i] = true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            Exception floatFailure = await(floats, files);
            if (failure == null) {
                failure = floatFailure;
            } else if (floatFailure != null) {
                failure.addSuppressed(floatFailure); // both failed: the first reported, the other kept beside it
            }
            for (int i = 0; i < files.length; i++) {
                if (done[i]) {
                    written.add(files[i]); // also when another failed: the caller then deletes what was written
                }
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof RuntimeException re) {
                throw re;
            }
        } finally {
            Workers.stop(writer, true);
        }
    }

    /**
     * Waits for the probability maps' writes, which finish (a second or so) either way, so that all or none is left;
     * an interrupt is kept for the caller.
     */
    private static Exception await(Future<?> writes, Path[] files) {
        boolean interrupted = false;
        Exception failure = null;
        while (true) {
            try {
                writes.get();
                break;
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof Exception c ? c
                        : new IOException(files[0] + ": " + e.getCause(), e.getCause());
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            failure = failure != null ? failure : new CancellationException("interrupted");
        }
        return failure;
    }

    /** A 0/255 mask as the labels 0/1, in place. */
    private static byte[] labelOne(byte[] mask) {
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                mask[i] = 1;
            }
        }
        return mask;
    }
}
