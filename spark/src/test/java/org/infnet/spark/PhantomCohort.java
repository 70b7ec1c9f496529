package org.infnet.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;

/**
 * A synthetic cohort for demonstrations and benchmarks of {@link CohortJob}: {@code PhantomCohort DIR N [size]
 * [slices]} writes {@code N} phantom CT volumes ({@code DIR/ctNNN.nii.gz}, seeds 1..N, 5 mm slices) and the
 * manifest {@code DIR/manifest.csv} ({@code id,path,seed}).
 */
public final class PhantomCohort {

    private PhantomCohort() {}

    /** Writes the cohort; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PhantomCohort DIR N [size 128] [slices 10]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int slices = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        StringBuilder manifest = new StringBuilder("id,path,seed\n");
        for (int i = 1; i <= n; i++) {
            PhantomVolume v = new PhantomGenerator(i).volume(PhantomGenerator.Params.defaults().withSize(size)
                    .withLesionCount(6), slices, 5.0);
            Path f = PhantomNifti.write(v, dir.resolve(String.format(Locale.ROOT, "ct%03d.nii.gz", i)));
            manifest.append(String.format(Locale.ROOT, "v%03d,%s,%d%n", i, f.toAbsolutePath(), i));
        }
        Files.writeString(dir.resolve("manifest.csv"), manifest);
        System.out.printf(Locale.ROOT, "wrote %d phantom volumes (%dx%dx%d) and %s%n", n, size, size, slices,
                dir.resolve("manifest.csv"));
    }
}
