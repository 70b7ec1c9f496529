package org.infnet.bench.ab;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntToDoubleFunction;
import org.infnet.infer.FileSegmentation;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.io.AtomicFiles;
import org.infnet.image.HuWindow;
import org.infnet.model.Engines;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;

/**
 * One build's side of {@link JarAB}, loaded once per jar under test (so it runs against that jar's classes):
 * {@code applyAsDouble(n)} is ms per slice of {@code n} batches of 4 per stream through {@link SlicePredictor} (2
 * streams), or with mode {@code volume=FILE} slices per second of {@code segment FILE} ({@code n} = its slices).
 */
public class JarABRunner implements IntToDoubleFunction {

    private final NetworkModel<InfNet> m;
    private final SlicePredictor p;
    private final String mode;
    private final List<UnitSlice> batch = new ArrayList<>();
    private final ExecutorService ex = Executors.newFixedThreadPool(2);

    public JarABRunner(String mode) throws Exception {
        this.mode = mode;
        m = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, Device.cpu());
        m.freeze();
        p = new SlicePredictor(m);
        Random r = new Random(1);
        for (int i = 0; i < 4; i++) {
            float[] px = new float[512 * 512];
            for (int j = 0; j < px.length; j++) {
                px[j] = r.nextFloat();
            }
            batch.add(new UnitSlice(px, 512, 512));
        }
    }

    @Override
    public double applyAsDouble(int n) {
        try {
            if (mode.startsWith("volume=")) {
                Path in = Path.of(mode.substring(7));
                Path out = Files.createTempDirectory("jarab");
                List<Path> files = FileSegmentation.expand(List.of(in));
                var job = new FileSegmentation<>(new InfectionSegmenter(m,
                        new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 4).withEdges(false)));
                long t0 = System.nanoTime();
                job.segmentAll(files, out, files, 2, (f, w) -> { });
                double s = (System.nanoTime() - t0) / 1e9;
                AtomicFiles.deleteTree(out);
                return n / s;
            }
            Callable<Void> job = () -> {
                Engines.disableGradientRecording();
                for (int i = 0; i < n; i++) {
                    p.predict(batch, false);
                }
                return null;
            };
            long t0 = System.nanoTime();
            Future<Void> a = ex.submit(job);
            Future<Void> b = ex.submit(job);
            a.get();
            b.get();
            return (System.nanoTime() - t0) / 1e6 / (2.0 * n * batch.size());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
