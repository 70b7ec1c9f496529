package org.infnet.bench.ab;

import java.nio.file.*; import java.util.*;
import org.infnet.infer.*; import org.infnet.io.*; import org.infnet.image.*; import org.infnet.io.nifti.*; import org.infnet.model.*;
import org.infnet.nn.InfNet;
import org.infnet.phantom.*;
// Times the phases of `segment VOLUME.nii.gz` (FileSegmentation's NIfTI path) one by one on a 300-slice 512x512
// int16 phantom: read (gunzip + decode), HU -> unit window, network (2 streams x 1 thread, batch 4), probability and
// mask writes. From the repository root, after `mvn install` and `mvn -f bench/pom.xml package`:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.NiftiPhases [SLICES] [REPS]
public class NiftiPhases {
  public static void main(String[] a) throws Exception {
    int depth = a.length > 0 ? Integer.parseInt(a[0]) : 300;
    int reps = a.length > 1 ? Integer.parseInt(a[1]) : 2;
    Path dir = Files.createTempDirectory("nifti-phases");
    PhantomVolume v = new PhantomGenerator(11).volume(PhantomGenerator.Params.defaults().withLesionCount(12), 24, 5.0);
    int plane = v.width() * v.height();
    float[] hu = new float[plane * depth];
    byte[] none = new byte[plane * depth];
    for (int z = 0; z < depth; z++) System.arraycopy(v.hu(), (z % 24) * plane, hu, z * plane, plane);
    Path in = PhantomNifti.writeInt16(new PhantomVolume(v.width(), v.height(), depth, v.calibration(), hu, none, none, none),
        dir.resolve("phantom.nii.gz"));
    hu = null; none = null;
    try (NetworkModel<InfNet> model = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, ai.djl.Device.cpu())) {
      Engines.setIntraOpThreads(1);
      model.freeze();
      InfectionSegmenter seg = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 4)
          .withStreams(2).withEdges(false));
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        NiftiVolume vol = NiftiReader.read(in);
        long t1 = System.nanoTime();
        HuWindow.LUNG.toUnit(vol.img());
        long t2 = System.nanoTime();
        InfectionSegmenter.Result res = seg.segment(vol.img(), Progress.NONE);
        long t3 = System.nanoTime();
        NiftiWriter.writeFloat32(dir.resolve("p.nii.gz"), vol.geometry(), InfectionSegmenter.floats(res.probability()));
        long t4 = System.nanoTime();
        NiftiWriter.writeUInt8(dir.resolve("m.nii.gz"), vol.geometry(), InfectionSegmenter.bytes(res.mask()));
        long t5 = System.nanoTime();
        System.out.printf(Locale.ROOT, "read %.2f s, window (alone) %.2f s, segment (window + network) %.2f s, write prob %.2f s,"
            + " write mask %.2f s; total without the separate window %.2f s = %.1f slices/s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
            (t3 - t2) / 1e9, (t4 - t3) / 1e9, (t5 - t4) / 1e9, (t5 - t0 - (t2 - t1)) / 1e9, depth / ((t5 - t0 - (t2 - t1)) / 1e9));
      }
    }
    AtomicFiles.deleteTree(dir);
  }
}
