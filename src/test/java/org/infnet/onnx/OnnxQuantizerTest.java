package org.infnet.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.image.Resampling;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.model.InputEncoder;
import org.infnet.model.ModelDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OnnxQuantizer} on the bundled compact Inf-Net: the rewritten model reads back exactly, the int8 model runs
 * in ONNX Runtime with its convolutions fused into integer kernels, and its probabilities stay close to the float
 * model's (bounds below; measured on COVID-SemiSeg doctor slices, or the phantom slices where the data set is absent).
 */
class OnnxQuantizerTest {

    static final Path DOCTOR = Path.of(System.getProperty("infnet.semiseg", "../shared/covid-semiseg"),
            "TrainingSet/LungInfection-Train/Doctor-label/Imgs");

    private static NetworkModel<InfNet> model;
    private static byte[] fp32;
    private static int side;
    private static ModelDescriptor.Normalisation norm;

    @TempDir
    Path dir;

    @BeforeAll
    static void export() throws Exception {
        model = ModelKind.INFNET.loadResource("/models/infnet-compact", Device.cpu());
        side = model.descriptor().inputSize();
        norm = model.descriptor().normalisation();
        fp32 = OnnxNetwork.export(model.net(), side, Map.of(OnnxNetwork.KEY, "test"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void modelReadsAndWritesBackByteForByte() {
        assertArrayEquals(fp32, OnnxModel.parse(fp32).toBytes());
    }

    @Test
    void int8ModelFusesIntoIntegerKernelsAndStaysCloseToFloat() throws Exception {
        byte[] int8 = OnnxQuantizer.quantize(fp32, OnnxQuantizer.Options.DEFAULT,
                OnnxQuantizer.phantomCalibration(side, norm.mean(), norm.std()), new long[] {1, 3, side, side});
        Map<String, Integer> ops = optimisedOps(int8);
        int qconv = ops.getOrDefault("QLinearConv", 0);
        int conv = ops.getOrDefault("Conv", 0) + ops.getOrDefault("FusedConv", 0);
        assertTrue(qconv >= 70 && conv <= 8, "integer / float convolutions after ONNX Runtime's fusion: " + ops);
        assertTrue(!ops.containsKey("QLinearAveragePool"), "pooling folded into the shortcut convolution: " + ops);
        assertEquals(Map.of(OnnxNetwork.KEY, "test"), OnnxNetwork.of(int8).metadata(), "metadata kept");

        List<FloatBuffer> inputs = evaluationInputs();
        double sumAbs = 0;
        long over = 0;
        long inter = 0;
        long masks = 0;
        long n = 0;
        try (OnnxNetwork f = OnnxNetwork.of(fp32); OnnxNetwork q = OnnxNetwork.of(int8)) {
            for (FloatBuffer x : inputs) {
                long[] shape = {1, 3, side, side};
                float[] pf = f.run(x.rewind(), shape, "map2")[0];
                float[] pq = q.run(x.rewind(), shape, "map2")[0];
                for (int i = 0; i < pf.length; i++) {
                    double a = 1 / (1 + Math.exp(-pf[i]));
                    double b = 1 / (1 + Math.exp(-pq[i]));
                    sumAbs += Math.abs(a - b);
                    over += Math.abs(a - b) > 0.1 ? 1 : 0;
                    inter += a >= 0.5 && b >= 0.5 ? 2 : 0;
                    masks += (a >= 0.5 ? 1 : 0) + (b >= 0.5 ? 1 : 0);
                    n++;
                }
            }
        }
        double meanAbs = sumAbs / n;
        double overFraction = (double) over / n;
        double agreement = masks == 0 ? 1 : (double) inter / masks;
        String figures = String.format("mean |dp| %.5f, pixels |dp| > 0.1: %.4f, masks' Dice %.4f over %d slices",
                meanAbs, overFraction, agreement, inputs.size());
        System.out.println("int8 vs fp32: " + figures);
        assertTrue(meanAbs <= 0.01, figures);
        assertTrue(overFraction <= 0.02, figures);
        assertTrue(agreement >= 0.95, figures);
    }

    @Test
    void int8SessionIsCachedBesideTheFloatModel() throws Exception {
        Path cache = dir.resolve("model.onnx");
        OnnxNetwork.setPrecision(OnnxNetwork.Precision.INT8);
        try {
            try (OnnxNetwork n = OnnxNetwork.open(model.net(), side, cache, "k1", norm.mean(), norm.std())) {
                assertTrue(n.metadata().get(OnnxNetwork.KEY).startsWith("k1;precision=int8;"), n.metadata().toString());
            }
            Path int8 = dir.resolve(OnnxNetwork.INT8_FILE);
            assertTrue(Files.isRegularFile(int8));
            Files.setLastModifiedTime(int8, FileTime.fromMillis(0));
            try (OnnxNetwork n = OnnxNetwork.open(model.net(), side, cache, "k1", norm.mean(), norm.std())) {
                assertEquals(0, Files.getLastModifiedTime(int8).toMillis(), "fresh int8 model reused");
            }
            try (OnnxNetwork n = OnnxNetwork.open(model.net(), side, cache, "k2", norm.mean(), norm.std())) {
                assertTrue(Files.getLastModifiedTime(int8).toMillis() > 0, "stale int8 model replaced");
            }
        } finally {
            OnnxNetwork.setPrecision(OnnxNetwork.Precision.FP32);
        }
    }

    @Test
    void calibrationResourceHoldsThePhantomTestSlices() throws Exception {
        assertArrayEquals(CalibrationSlices.content(), CalibrationSlices.shipped(),
                "regenerate with CalibrationSlices.main after changing the phantom test slices");
    }

    @Test
    void halfPrecisionBits() {
        assertEquals((short) 0x3C00, OnnxCast.fp16(1f));
        assertEquals((short) 0xC000, OnnxCast.fp16(-2f));
        assertEquals((short) 0x7C00, OnnxCast.fp16(1e6f));
        assertEquals((short) 0x0001, OnnxCast.fp16(5.9604645e-8f)); // smallest subnormal
        assertEquals((short) 0x3F80, OnnxCast.bf16(1f));
        assertEquals((short) 0x3F81, OnnxCast.bf16(Float.intBitsToFloat(0x3F80C000))); // rounds up
    }

    /** Four COVID-SemiSeg doctor slices when present, else the phantom calibration slices. */
    private static List<FloatBuffer> evaluationInputs() throws Exception {
        if (!Files.isDirectory(DOCTOR)) {
            return OnnxQuantizer.phantomCalibration(side, norm.mean(), norm.std());
        }
        InputEncoder enc = new InputEncoder(norm);
        List<FloatBuffer> out = new ArrayList<>();
        for (String name : new String[] {"0.jpg", "12.jpg", "25.jpg", "40.jpg"}) {
            GrayImage g = ImageFiles.read(DOCTOR.resolve(name));
            float[] r = Resampling.bilinear(g.toUnit(HuWindow.LUNG), g.width(), g.height(), side, side);
            out.add(enc.encode(List.of(r), side));
        }
        return out;
    }

    private Map<String, Integer> optimisedOps(byte[] model) throws Exception {
        Path optimised = dir.resolve("optimised.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(1);
            o.setOptimizedModelFilePath(optimised.toString());
            OnnxNetwork.environment().createSession(model, o).close();
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (OnnxModel.Node n : OnnxModel.parse(Files.readAllBytes(optimised)).nodes) {
            counts.merge(n.op, 1, Integer::sum);
        }
        return counts;
    }
}
