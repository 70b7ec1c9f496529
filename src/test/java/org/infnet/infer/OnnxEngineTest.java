package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.io.SafeTensors;
import org.infnet.model.Engines;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.model.InferenceEngine;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelLocator;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.infnet.onnx.OnnxNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX Runtime engine inside the inference path: the bundled models on real COVID-SemiSeg doctor slices give the
 * PyTorch path's probabilities within 1e-4 (PyTorch on one thread, issue 16), and {@code model.onnx} is cached in the
 * model folder, reused while fresh and regenerated when the weights change.
 */
class OnnxEngineTest {

    static final Path SEMISEG = Path.of(System.getProperty("infnet.semiseg", "../shared/covid-semiseg"), "TrainingSet");
    static final Path DOCTOR = SEMISEG.resolve("LungInfection-Train/Doctor-label/Imgs");
    static final Path MULTI = SEMISEG.resolve("MultiClassInfection-Train/Imgs");

    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        Engines.setIntraOpThreads(1); // libtorch's oneDNN is wrong with more threads on some processors (issue 16)
    }

    private static List<UnitSlice> slices(Path folder, String... names) throws IOException {
        List<UnitSlice> out = new ArrayList<>();
        for (String n : names) {
            GrayImage g = ImageFiles.read(folder.resolve(n));
            out.add(new UnitSlice(g.toUnit(HuWindow.LUNG), g.width(), g.height()));
        }
        return out;
    }

    private static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void bundledInfNetOnDoctorSlicesMatchesPytorch() throws IOException {
        assumeTrue(Files.isDirectory(DOCTOR), "COVID-SemiSeg not present at " + DOCTOR.toAbsolutePath());
        List<UnitSlice> batch = slices(DOCTOR, "0.jpg", "12.jpg", "25.jpg", "40.jpg");
        try (NetworkModel<InfNet> m = ModelKind.INFNET.loadResource("/models/" + ModelLocator.DEFAULT, Device.cpu())) {
            m.freeze();
            SlicePredictor torch = new SlicePredictor(m, InferenceEngine.PYTORCH);
            SlicePredictor onnx = new SlicePredictor(m, InferenceEngine.ONNX);
            assertEquals(InferenceEngine.ONNX, onnx.engine());
            List<SlicePrediction> a = torch.predict(batch, true);
            List<SlicePrediction> b = onnx.predict(batch, true);
            List<SlicePrediction> one = onnx.predict(batch.subList(1, 2), false);
            double prob = 0;
            double edge = 0;
            double infected = 0;
            for (int i = 0; i < batch.size(); i++) {
                prob = Math.max(prob, maxAbs(a.get(i).probability(), b.get(i).probability()));
                edge = Math.max(edge, maxAbs(a.get(i).edge(), b.get(i).edge()));
                for (float v : b.get(i).probability()) {
                    infected += v >= 0.5 ? 1 : 0;
                }
            }
            System.out.printf("infnet-compact, 4 doctor slices: ONNX vs PyTorch max abs diff probability %.3g,"
                    + " edge %.3g%n", prob, edge);
            assertTrue(prob < 1e-4 && edge < 1e-4, "probability " + prob + ", edge " + edge);
            assertTrue(infected > 100, "the slices show infection: " + infected + " pixels");
            assertNull(one.get(0).edge());
            assertTrue(maxAbs(one.get(0).probability(), a.get(1).probability()) < 1e-4, "batch 1 = batch 4");
        }
    }

    @Test
    void bundledMultiClassOnRealSlicesMatchesPytorch() throws IOException {
        assumeTrue(Files.isDirectory(MULTI), "COVID-SemiSeg not present at " + MULTI.toAbsolutePath());
        List<UnitSlice> batch = slices(MULTI, "0.jpg", "1.jpg", "10.jpg");
        try (NetworkModel<InfNet> prior = ModelKind.INFNET.loadResource("/models/" + ModelLocator.DEFAULT, Device.cpu());
                NetworkModel<MultiClassUNet> m = ModelKind.UNET.loadResource("/models/" + ModelLocator.DEFAULT_MULTICLASS,
                        Device.cpu())) {
            prior.freeze();
            m.freeze();
            List<float[]> priors = new InfectionPrior(prior, InferenceEngine.PYTORCH).priors(batch);
            List<float[]> priorsOnnx = new InfectionPrior(prior, InferenceEngine.ONNX).priors(batch);
            List<float[][]> a = new MultiClassPredictor(m, InferenceEngine.PYTORCH).predict(batch, priors);
            List<float[][]> b = new MultiClassPredictor(m, InferenceEngine.ONNX).predict(batch, priors);
            double worst = 0;
            double priorDiff = 0;
            for (int i = 0; i < batch.size(); i++) {
                priorDiff = Math.max(priorDiff, maxAbs(priors.get(i), priorsOnnx.get(i)));
                for (int c = 0; c < a.get(i).length; c++) {
                    worst = Math.max(worst, maxAbs(a.get(i)[c], b.get(i)[c]));
                }
            }
            System.out.printf("multiclass-compact, 3 slices: ONNX vs PyTorch max abs diff %.3g (prior %.3g)%n", worst,
                    priorDiff);
            assertTrue(worst < 1e-4, "class probabilities differ by " + worst);
            assertTrue(priorDiff < 1e-4, "priors differ by " + priorDiff);
        }
    }

    @Test
    void modelOnnxIsCachedBesideTheWeightsAndRegeneratedWhenStale() throws IOException {
        Path folder = TestModels.randomTiny(dir.resolve("m"));
        Path onnxFile = folder.resolve(NetworkModel.ONNX_FILE);
        String key;
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(folder, Device.cpu())) {
            key = m.onnx().metadata().get(OnnxNetwork.KEY);
        }
        assertTrue(Files.isRegularFile(onnxFile), "model.onnx written beside the weights");
        if (onnxFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertTrue(Files.getPosixFilePermissions(onnxFile).contains(
                    java.nio.file.attribute.PosixFilePermission.OTHERS_READ), "readable like the other model files");
        }
        assertTrue(key.startsWith("sha256=") && key.contains("side=64"), key);
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(onnxFile, written);
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(folder, Device.cpu())) {
            assertEquals(key, m.onnx().metadata().get(OnnxNetwork.KEY));
        }
        assertEquals(written, Files.getLastModifiedTime(onnxFile), "a fresh model.onnx is reused, not rewritten");
        // new weights in the folder: the file is stale and made again
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(folder, Device.cpu())) {
            Map<String, SafeTensors.Tensor> w = m.weights();
            String name = w.keySet().stream().filter(k -> k.endsWith("conv5.bias")).findFirst().orElseThrow();
            w.get(name).data()[0] += 1f;
            m.setWeights(w, "test");
            m.save(folder, m.descriptor());
        }
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(folder, Device.cpu())) {
            assertNotEquals(key, m.onnx().metadata().get(OnnxNetwork.KEY));
        }
        assertNotEquals(written, Files.getLastModifiedTime(onnxFile), "a stale model.onnx is regenerated");
    }

    @Test
    void weightsSetAfterLoadingAreWhatOnnxRuns() throws IOException {
        Path folder = TestModels.randomTiny(dir.resolve("m"));
        List<UnitSlice> batch = List.of(new UnitSlice(ramp(64 * 64), 64, 64));
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(folder, Device.cpu())) {
            SlicePredictor onnx = new SlicePredictor(m, InferenceEngine.ONNX);
            float[] before = onnx.predict(batch, false).get(0).probability();
            Map<String, SafeTensors.Tensor> w = m.weights();
            String name = w.keySet().stream().filter(k -> k.endsWith("ra2_conv4.bn.bias")).findFirst().orElseThrow();
            w.get(name).data()[0] += 2f;
            m.setWeights(w, "test");
            float[] torch = new SlicePredictor(m, InferenceEngine.PYTORCH).predict(batch, false).get(0).probability();
            float[] after = onnx.predict(batch, false).get(0).probability(); // the predictor made before
            assertTrue(maxAbs(before, after) > 1e-3, "the changed weights are exported");
            assertTrue(maxAbs(torch, after) < 1e-4, "and run as PyTorch runs them");
        }
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.5 + 0.4 * Math.sin(i * 0.01));
        }
        return v;
    }

    @Test
    void engineComesFromTheRunThenTheDescriptorThenTheDefault() throws IOException {
        ModelDescriptor d = ModelDescriptor.create("x", TestModels.TINY);
        assertEquals(InferenceEngine.DEFAULT, InferenceEngine.resolve(null, d));
        assertEquals(InferenceEngine.DEFAULT, InferenceEngine.resolve("auto", d));
        ModelDescriptor torch = d.withEngine(InferenceEngine.PYTORCH);
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.resolve("", torch));
        assertEquals(InferenceEngine.ONNX, InferenceEngine.resolve("ONNX", torch));
        ModelDescriptor read = ModelDescriptor.parse(torch.toJson(), "test");
        assertEquals("pytorch", read.engine());
        assertNull(ModelDescriptor.parse(d.toJson(), "test").engine(), "no preference: absent from the JSON");
        assertTrue(!d.toJson().contains("engine"));
        assertThrows(IllegalArgumentException.class, () -> InferenceEngine.parse("tensorflow"));
        IOException e = assertThrows(IOException.class,
                () -> ModelDescriptor.parse(torch.toJson().replace("\"pytorch\"", "\"tpu\""), "m.json"));
        assertTrue(e.getMessage().contains("tpu"), e.getMessage());
    }
}
