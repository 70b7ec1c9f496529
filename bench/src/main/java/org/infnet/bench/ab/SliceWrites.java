package org.infnet.bench.ab;

// Times the per-slice file work of `segment` on a folder of 512x512 PNG slices: opening each (ImageFiles.open), writing
// a mask PNG (a realistic mask: two disks of 255 on 0) and a float32 probability TIFF, three rounds. From the
// repository root, after `java -jar bench/target/Inf_Net-bench.jar bench --volume 300 --format png --keep K`:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.SliceWrites K/input
import java.nio.file.*; import java.util.*; import org.infnet.io.*; import org.infnet.image.*;
public class SliceWrites {
  public static void main(String[] a) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(Path.of(a[0]))) { s.filter(p -> p.toString().endsWith(".png")).sorted().forEach(files::add); }
    Path out = Files.createTempDirectory("pngio");
    for (int rep = 0; rep < 3; rep++) {
      long t0 = System.nanoTime(); ij.ImagePlus last = null;
      for (Path f : files) last = ImageFiles.open(f);
      long t1 = System.nanoTime();
      byte[] px = new byte[512 * 512];
      for (int y = 0; y < 512; y++) for (int x = 0; x < 512; x++) if ((x - 300) * (x - 300) + (y - 200) * (y - 200) < 60 * 60 || (x - 150) * (x - 150) + (y - 260) * (y - 260) < 25 * 25) px[y * 512 + x] = (byte) 255;
      float[] fl = new float[px.length];
      for (int i = 0; i < files.size(); i++) ImageFiles.writePng8(out.resolve("m" + i + ".png"), px, 512, 512);
      long t2 = System.nanoTime();
      for (int i = 0; i < files.size(); i++) ImageFiles.writeTiff(out.resolve("p" + i + ".tif"), ImageConversions.toImagePlus(fl, 512, 512, 1, "p", Calibration3D.UNCALIBRATED));
      long t3 = System.nanoTime();
      System.out.printf("per slice: open %.2f ms, write mask png %.2f ms, write prob tif %.2f ms%n", (t1-t0)/1e6/files.size(), (t2-t1)/1e6/files.size(), (t3-t2)/1e6/files.size());
    }
  }
}
