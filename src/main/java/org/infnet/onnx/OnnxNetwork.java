package org.infnet.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.djl.nn.Block;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.infnet.io.AtomicFiles;

/**
 * One network on ONNX Runtime: an {@link OrtSession} over a model that {@link OnnxExport} wrote. The process shares
 * one {@link OrtEnvironment}. {@link #run} may be called by several threads at once (ONNX Runtime sessions are
 * thread-safe); {@link #close} frees the session.
 *
 * <p>Threads: each session uses {@link #intraOpThreads()} threads per operator, set with
 * {@link #setIntraOpThreads} or the system property {@code infnet.onnx.threads} (0, the default: one per processor
 * the JVM may use, {@link Runtime#availableProcessors}; not ONNX Runtime's own default, which on some virtual machines
 * counts one core where there are two and halved the speed), and runs operators one at a time.
 */
public final class OnnxNetwork implements AutoCloseable {

    /** Metadata key of the string that identifies the weights, input size and exporter a file was made from. */
    public static final String KEY = "infnet.key";

    /** File name of the int8 model kept beside {@code model.onnx} ({@link Precision#INT8}). */
    public static final String INT8_FILE = "model.int8.onnx";

    /** The arithmetic of Inf-Net sessions opened with a normalisation ({@link #open(Block, int, Path, String, float[], float[])}). */
    public enum Precision {
        /** The exported float model. */
        FP32,
        /**
         * The model quantised by {@link OnnxQuantizer} (int8 weights, uint8 activations), calibrated on the phantom
         * test slices: 0.6x the CPU time per slice of FP32 for the compact model, mean Dice at 0.5 within 0.005 of
         * FP32 on the 50 doctor-labelled COVID-SemiSeg slices (doc/onnx.md).
         */
        INT8;

        /** {@code fp32} or {@code int8} (any case). */
        public static Precision parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "fp32", "float", "float32" -> FP32;
                case "int8" -> INT8;
                default -> throw new IllegalArgumentException("precision must be fp32 or int8, got " + s);
            };
        }
    }

    private static volatile int intraOpThreads = Integer.getInteger("infnet.onnx.threads", 0);
    private static volatile Precision precision = Precision.parse(System.getProperty("infnet.onnx.precision", "fp32"));

    private final OrtSession session;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxNetwork(OrtSession session) {
        this.session = session;
    }

    /** The process's ONNX Runtime environment. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Sets the threads per operator of sessions opened from now on (0: one per available processor). */
    public static void setIntraOpThreads(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + n);
        }
        intraOpThreads = n;
    }

    /**
     * Sets the precision of Inf-Net sessions opened from now on ({@code -Dinfnet.onnx.precision}, default FP32). Other
     * networks (the multi-class U-Net) stay float.
     */
    public static void setPrecision(Precision p) {
        precision = java.util.Objects.requireNonNull(p);
    }

    /** The precision of new Inf-Net sessions. */
    public static Precision precision() {
        return precision;
    }

    /** The threads per operator of new sessions as set (0: one per available processor). */
    public static int intraOpThreads() {
        return intraOpThreads;
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setIntraOpNumThreads(intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors());
        o.setInterOpNumThreads(1);
        return o;
    }

    /** A session over the ONNX model {@code bytes}. */
    public static OnnxNetwork of(byte[] bytes) throws IOException {
        try (OrtSession.SessionOptions o = options()) {
            return new OnnxNetwork(environment().createSession(bytes, o));
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** A session over the ONNX model file {@code file}. */
    public static OnnxNetwork of(Path file) throws IOException {
        try (OrtSession.SessionOptions o = options()) {
            return new OnnxNetwork(environment().createSession(file.toString(), o));
        } catch (OrtException e) {
            throw new IOException(file + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** The ONNX model of {@code net} at input side {@code side}, with {@code metadata}, as bytes. */
    public static byte[] export(Block net, int side, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            OnnxExport.write(net, side, out, metadata);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }

    /**
     * A session over {@code net} (initialised, with the weights that {@code key} identifies) at input side
     * {@code side}. With a {@code cache} file: the file is used when it exists and its metadata {@link #KEY} equals
     * {@code key}; otherwise the network is exported, written there atomically (a folder that cannot be written to
     * is not an error: the model then lives in memory only) and loaded. Without a cache file the export stays in
     * memory.
     */
    public static OnnxNetwork open(Block net, int side, Path cache, String key) throws IOException {
        return open(cache, key, meta -> export(net, side, meta));
    }

    /**
     * As {@link #open(Block, int, Path, String)}, in the current {@link #precision()}: for {@link Precision#INT8}
     * and an Inf-Net, the model quantised by {@link OnnxQuantizer} (calibrated on
     * {@link OnnxQuantizer#phantomCalibration} slices normalised with {@code mean} and {@code std}, the encoder's),
     * cached as {@value #INT8_FILE} beside {@code cache}.
     */
    public static OnnxNetwork open(Block net, int side, Path cache, String key, float[] mean, float[] std)
            throws IOException {
        if (precision != Precision.INT8 || !(net instanceof org.infnet.nn.InfNet)) {
            return open(net, side, cache, key);
        }
        String qKey = key + ";precision=int8;quantizer=" + OnnxQuantizer.VERSION + ";mean="
                + java.util.Arrays.toString(mean) + ";std=" + java.util.Arrays.toString(std);
        return open(cache == null ? null : cache.resolveSibling(INT8_FILE), qKey,
                meta -> OnnxQuantizer.quantize(export(net, side, meta), OnnxQuantizer.Options.DEFAULT,
                        OnnxQuantizer.phantomCalibration(side, mean, std), new long[] {1, 3, side, side}));
    }

    private static OnnxNetwork open(Path cache, String key,
            java.util.function.Function<Map<String, String>, byte[]> make) throws IOException {
        if (cache != null && Files.isRegularFile(cache)) {
            OnnxNetwork n = null;
            try {
                n = of(cache);
                if (key.equals(n.metadata().get(KEY))) {
                    return n;
                }
            } catch (IOException e) {
                // unreadable or not a model: exported again below
            }
            if (n != null) {
                n.close();
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY, key);
        byte[] bytes = make.apply(meta);
        if (cache != null) {
            try {
                AtomicFiles.write(cache, out -> out.write(bytes));
                readableByAll(cache);
            } catch (IOException | UnsupportedOperationException e) {
                // read-only model folder: the exported model is used from memory
            }
        }
        return of(bytes);
    }

    /** Makes {@code file} readable by everyone, as model files are (the temporary file was private); best effort. */
    private static void readableByAll(Path file) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> p = new java.util.HashSet<>(
                    Files.getPosixFilePermissions(file));
            p.add(java.nio.file.attribute.PosixFilePermission.OWNER_READ);
            p.add(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
            p.add(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
            Files.setPosixFilePermissions(file, p);
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system, or not ours to change: the file stays as written
        }
    }

    /** The key of a model folder's weights: SHA-256 of the weights file, the input side and the exporter version. */
    public static String key(Path weights, int side) throws IOException {
        try (InputStream in = Files.newInputStream(weights)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return "sha256=" + HexFormat.of().formatHex(d.digest()) + ";side=" + side + ";exporter="
                    + OnnxExport.VERSION;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model's custom metadata. */
    public Map<String, String> metadata() throws IOException {
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Runs the model on {@code input} (row-major, shape {@code shape}) and returns the named outputs' values, in
     * order, as row-major arrays.
     */
    public float[][] run(FloatBuffer input, long[] shape, String... outputs) {
        OrtEnvironment env = environment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, input, shape);
                OrtSession.Result r = session.run(Map.of("input", x), Set.of(outputs))) {
            float[][] out = new float[outputs.length][];
            for (int i = 0; i < outputs.length; i++) {
                OnnxTensor t = (OnnxTensor) r.get(outputs[i]).orElseThrow();
                FloatBuffer b = t.getFloatBuffer();
                out[i] = new float[b.remaining()];
                b.get(out[i]);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** A direct buffer for {@code n} floats, the input form {@link #run} takes without a copy. */
    public static FloatBuffer directFloats(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
