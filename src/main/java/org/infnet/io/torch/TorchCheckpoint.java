package org.infnet.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.infnet.io.torch.PickleReader.Global;
import org.infnet.io.torch.PickleReader.PyObject;
import org.infnet.io.torch.PickleReader.Tuple;

/**
 * Reads the tensors of a PyTorch checkpoint written by {@code torch.save}, in pure Java (no Python).
 *
 * <p>Both formats are read: the zip archive of PyTorch &gt;= 1.6 ({@code PREFIX/data.pkl} plus one
 * file per storage under {@code PREFIX/data/}) and the legacy pickle stream of older versions (and
 * {@code _use_new_zipfile_serialization=False}). The pickled object must be a state dict (a dict or
 * {@code OrderedDict} of tensors) or a dict holding one under {@code state_dict}, {@code model},
 * {@code model_state_dict} or {@code net}. Tensors may be views with any storage offset and strides;
 * float32, float64, float16, bfloat16 and integer/bool storages are converted to float32. A leading
 * {@code module.} (from {@code nn.DataParallel}) is stripped from the keys.
 *
 * <p>Anything that cannot be read fails with an IOException naming the file, the key and the reason.
 */
public final class TorchCheckpoint {

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final List<String> CONTAINER_KEYS = List.of("state_dict", "model", "model_state_dict", "net");

    private final Map<String, TorchTensor> tensors;
    private final String format;
    private final String container;
    private final int strippedPrefixes;

    private TorchCheckpoint(Map<String, TorchTensor> tensors, String format, String container, int stripped) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.format = format;
        this.container = container;
        this.strippedPrefixes = stripped;
    }

    /** The tensors by state-dict key (prefix stripped), in file order. */
    public Map<String, TorchTensor> tensors() {
        return tensors;
    }

    /** {@code zip} or {@code legacy}. */
    public String format() {
        return format;
    }

    /** Where the state dict was found: {@code top level} or the key holding it. */
    public String container() {
        return container;
    }

    /** How many keys had a {@code module.} prefix removed. */
    public int strippedPrefixes() {
        return strippedPrefixes;
    }

    // ---------------------------------------------------------------------------------------------

    /** Element type of a storage class. */
    record StorageType(String dtype, int elementSize) {}

    private static final Map<String, StorageType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", new StorageType("float32", 4)),
            Map.entry("DoubleStorage", new StorageType("float64", 8)),
            Map.entry("HalfStorage", new StorageType("float16", 2)),
            Map.entry("BFloat16Storage", new StorageType("bfloat16", 2)),
            Map.entry("LongStorage", new StorageType("int64", 8)),
            Map.entry("IntStorage", new StorageType("int32", 4)),
            Map.entry("ShortStorage", new StorageType("int16", 2)),
            Map.entry("CharStorage", new StorageType("int8", 1)),
            Map.entry("ByteStorage", new StorageType("uint8", 1)),
            Map.entry("BoolStorage", new StorageType("bool", 1)));

    /** A storage referenced by a persistent id; {@code base} is an element offset for legacy views. */
    record StorageRef(String key, String typeName, StorageType type, long base, long numel) {}

    /** A tensor as pickled: storage, offset, size and stride (in elements). */
    record RawTensor(StorageRef storage, long offset, long[] size, long[] stride) {}

    private interface StorageBytes {
        ByteBuffer get(StorageRef ref) throws IOException;
    }

    /** Reads a checkpoint file. */
    public static TorchCheckpoint read(Path file) throws IOException {
        String src = file.toString();
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return readZip(file, src);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80) {
            return readLegacy(file, src);
        }
        if (n == 0) {
            throw new IOException(src + ": empty file, not a PyTorch checkpoint");
        }
        throw new IOException(src + ": not a PyTorch checkpoint (neither a torch.save zip archive nor a legacy"
                + " pickle; tar checkpoints of PyTorch < 0.4 and TorchScript files are not supported)");
    }

    private static TorchCheckpoint readZip(Path file, String src) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(src + ": corrupt or truncated checkpoint archive (" + e.getMessage() + ")", e);
        }
        try (zip) {
            ZipEntry pkl = null;
            for (var en = zip.entries(); en.hasMoreElements();) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    pkl = e;
                    break;
                }
            }
            if (pkl == null) {
                if (zip.getEntry("constants.pkl") != null || hasEntryEnding(zip, "/constants.pkl")) {
                    throw new IOException(src + ": a TorchScript archive (torch.jit.save), not a torch.save checkpoint");
                }
                throw new IOException(src + ": zip archive without data.pkl, not a torch.save checkpoint");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null && new String(entryBytes(zip, bo, src), StandardCharsets.US_ASCII).trim().equals("big")) {
                order = ByteOrder.BIG_ENDIAN;
            }
            Object top = PickleReader.load(ByteBuffer.wrap(entryBytes(zip, pkl, src)), new TorchResolver(false),
                    src + ": " + pkl.getName());
            Map<String, ByteBuffer> cache = new HashMap<>();
            ByteOrder fOrder = order;
            StorageBytes bytes = ref -> {
                ByteBuffer b = cache.get(ref.key());
                if (b == null) {
                    ZipEntry e = zip.getEntry(prefix + "data/" + ref.key());
                    if (e == null) {
                        throw new IOException("storage " + ref.key() + " missing from the archive");
                    }
                    b = ByteBuffer.wrap(entryBytes(zip, e, "storage " + ref.key())).order(fOrder);
                    cache.put(ref.key(), b);
                }
                return b;
            };
            return extract(top, bytes, src, "zip");
        }
    }

    private static boolean hasEntryEnding(ZipFile zip, String suffix) {
        return zip.stream().anyMatch(e -> e.getName().endsWith(suffix));
    }

    private static byte[] entryBytes(ZipFile zip, ZipEntry e, String what) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readAllBytes();
            if (e.getSize() >= 0 && b.length != e.getSize()) {
                throw new IOException(what + ": entry " + e.getName() + " is truncated");
            }
            return b;
        } catch (ZipException ex) {
            throw new IOException(what + ": corrupt archive entry " + e.getName() + " (" + ex.getMessage() + ")", ex);
        }
    }

    private static TorchCheckpoint readLegacy(Path file, String src) throws IOException {
        long len = Files.size(file);
        if (len > Integer.MAX_VALUE) {
            throw new IOException(src + ": legacy checkpoints above 2 GB are not supported");
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        PickleReader.Resolver plain = new TorchResolver(true);
        Object magic = PickleReader.load(buf, plain, src);
        if (!(magic instanceof BigInteger m) || !m.equals(LEGACY_MAGIC)) {
            throw new IOException(src + ": a pickle file, but not a PyTorch checkpoint (no torch.save magic number)");
        }
        Object version = PickleReader.load(buf, plain, src);
        if (!Long.valueOf(1001).equals(version)) {
            throw new IOException(src + ": unsupported legacy checkpoint protocol version " + version);
        }
        Object sysInfo = PickleReader.load(buf, plain, src);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            order = ByteOrder.BIG_ENDIAN;
        }
        TorchResolver resolver = new TorchResolver(true);
        Object top = PickleReader.load(buf, resolver, src);
        Object keys = PickleReader.load(buf, plain, src);
        if (!(keys instanceof List<?> keyList)) {
            throw new IOException(src + ": malformed legacy checkpoint (no storage key list)");
        }
        Map<String, ByteBuffer> data = new HashMap<>();
        for (Object k : keyList) {
            StorageRef ref = resolver.roots.get(String.valueOf(k));
            if (ref == null) {
                throw new IOException(src + ": legacy checkpoint lists unknown storage " + k);
            }
            if (buf.remaining() < 8) {
                throw new IOException(src + ": storage " + k + " is missing (truncated file)");
            }
            long numel = buf.order(order).getLong();
            buf.order(ByteOrder.LITTLE_ENDIAN);
            int size = ref.type() == null ? 1 : ref.type().elementSize();
            long nbytes = numel * size;
            if (numel < 0 || nbytes > buf.remaining()) {
                throw new IOException(src + ": storage " + k + " is truncated (" + nbytes + " bytes expected, "
                        + buf.remaining() + " left)");
            }
            ByteBuffer slice = buf.slice(buf.position(), (int) nbytes).order(order);
            buf.position(buf.position() + (int) nbytes);
            data.put(ref.key(), slice);
        }
        return extract(top, ref -> {
            ByteBuffer b = data.get(ref.key());
            if (b == null) {
                throw new IOException("storage " + ref.key() + " has no data in the file");
            }
            return b;
        }, src, "legacy");
    }

    // ---------------------------------------------------------------------------------------------

    /** Knows the torch callables of a checkpoint and turns persistent ids into storage references. */
    private static final class TorchResolver implements PickleReader.Resolver {
        private final boolean legacy;
        final Map<String, StorageRef> roots = new HashMap<>();

        TorchResolver(boolean legacy) {
            this.legacy = legacy;
        }

        @Override
        public Object call(Global g, List<Object> args) throws IOException {
            String fn = g.toString();
            switch (fn) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    return rebuild(args);
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    return args.get(0);
                }
                case "torch._tensor._rebuild_from_type_v2", "torch._tensor._rebuild_from_type" -> {
                    if (args.get(0) instanceof Global f && args.get(2) instanceof Tuple t) {
                        Object r = call(f, t.items());
                        return r != null ? r : new PyObject(f, t.items());
                    }
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }

        private static Object rebuild(List<Object> args) throws IOException {
            if (args.size() < 4 || !(args.get(0) instanceof StorageRef s) || !(args.get(2) instanceof Tuple size)
                    || !(args.get(3) instanceof Tuple stride)) {
                throw new IOException("malformed tensor record " + args);
            }
            return new RawTensor(s, asLong(args.get(1)), longs(size), longs(stride));
        }

        @Override
        public Object persistentLoad(Object pid) throws IOException {
            if (!(pid instanceof Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
                throw new IOException("unsupported persistent id " + pid);
            }
            String typeName = t.get(1) instanceof Global g ? g.name() : String.valueOf(t.get(1));
            StorageType type = STORAGE_TYPES.get(typeName);
            String key = String.valueOf(t.get(2));
            long numel = asLong(t.get(4));
            if (!legacy) {
                return new StorageRef(key, typeName, type, 0, numel);
            }
            StorageRef root = roots.computeIfAbsent(key, k -> new StorageRef(k, typeName, type, 0, numel));
            if (t.size() > 5 && t.get(5) instanceof Tuple view) { // (view_key, offset, view_size)
                return new StorageRef(root.key(), typeName, type, asLong(view.get(1)), asLong(view.get(2)));
            }
            return root;
        }
    }

    private static long asLong(Object o) throws IOException {
        if (o instanceof Long l) {
            return l;
        }
        throw new IOException("expected an integer, found " + PickleReader.describe(o));
    }

    private static long[] longs(Tuple t) throws IOException {
        long[] r = new long[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asLong(t.get(i));
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------

    private static TorchCheckpoint extract(Object top, StorageBytes bytes, String src, String format) throws IOException {
        String container = "top level";
        Map<?, ?> dict = null;
        if (top instanceof Map<?, ?> m) {
            if (m.values().stream().anyMatch(v -> v instanceof RawTensor) || m.isEmpty()) {
                dict = m;
            } else {
                for (String k : CONTAINER_KEYS) {
                    if (m.get(k) instanceof Map<?, ?> inner) {
                        dict = inner;
                        container = k;
                        break;
                    }
                }
                if (dict == null) {
                    throw new IOException(src + ": no state dict found: the checkpoint is a dict with keys "
                            + m.keySet() + " but no tensors and no dict under " + CONTAINER_KEYS);
                }
            }
        } else if (top instanceof PyObject o) {
            throw new IOException(src + ": holds a pickled " + o.type + " object, not a state dict (save it with"
                    + " torch.save(model.state_dict(), path))");
        } else {
            throw new IOException(src + ": holds " + PickleReader.describe(top) + ", not a state dict");
        }
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        int stripped = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key0)) {
                problems.add("key " + e.getKey() + ": not a string");
                continue;
            }
            String key = key0;
            if (key.startsWith("module.")) {
                key = key.substring("module.".length());
                stripped++;
            }
            if (!(e.getValue() instanceof RawTensor raw)) {
                problems.add("key '" + key0 + "': not a tensor but " + PickleReader.describe(e.getValue()));
                continue;
            }
            try {
                TorchTensor t = materialise(raw, bytes);
                if (out.put(key, t) != null) {
                    problems.add("key '" + key0 + "': duplicate of '" + key + "' after removing the module. prefix");
                }
            } catch (IOException | RuntimeException ex) {
                problems.add("key '" + key0 + "': " + ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            int n = problems.size();
            throw new IOException(src + ": cannot read " + n + " entr" + (n == 1 ? "y" : "ies") + " ("
                    + String.join("; ", problems.subList(0, Math.min(8, n))) + (n > 8 ? "; ..." : "") + ")");
        }
        return new TorchCheckpoint(out, format, container, stripped);
    }

    private static TorchTensor materialise(RawTensor raw, StorageBytes bytes) throws IOException {
        StorageRef s = raw.storage();
        if (s.type() == null) {
            throw new IOException("unsupported storage type " + s.typeName());
        }
        long[] size = raw.size();
        long[] stride = raw.stride();
        if (size.length != stride.length) {
            throw new IOException("size " + TorchTensor.shapeString(size) + " and stride of different rank");
        }
        long count = 1;
        long last = raw.offset();
        for (int d = 0; d < size.length; d++) {
            if (size[d] < 0 || stride[d] < 0) {
                throw new IOException("negative size or stride");
            }
            count *= size[d];
            last += (size[d] - 1) * stride[d];
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException("tensor of " + count + " values is too large");
        }
        ByteBuffer b = bytes.get(s);
        int es = s.type().elementSize();
        long available = Math.min(b.capacity() / es - s.base(), s.numel());
        if (count > 0 && (raw.offset() < 0 || last >= available)) {
            throw new IOException("tensor of shape " + TorchTensor.shapeString(size) + " at offset " + raw.offset()
                    + " reaches element " + last + " but its storage " + s.key() + " holds " + available
                    + " (truncated or corrupt data)");
        }
        float[] v = new float[(int) count];
        int rank = size.length;
        long[] idx = new long[rank];
        long pos = raw.offset();
        String dtype = s.type().dtype();
        int code = DTYPES.indexOf(dtype);
        for (int i = 0; i < v.length; i++) {
            v[i] = element(b, code, (int) ((s.base() + pos) * es));
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                pos += stride[d];
                if (idx[d] < size[d]) {
                    break;
                }
                pos -= stride[d] * size[d];
                idx[d] = 0;
            }
        }
        return new TorchTensor(dtype, size.clone(), v);
    }

    private static final List<String> DTYPES =
            List.of("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool");

    private static float element(ByteBuffer b, int dtype, int at) {
        return switch (dtype) {
            case 0 -> b.getFloat(at);
            case 1 -> (float) b.getDouble(at);
            case 2 -> TorchTensor.halfToFloat(b.getShort(at) & 0xffff);
            case 3 -> TorchTensor.bfloat16ToFloat(b.getShort(at) & 0xffff);
            case 4 -> (float) b.getLong(at);
            case 5 -> (float) b.getInt(at);
            case 6 -> (float) b.getShort(at);
            case 7 -> (float) b.get(at);
            case 8, 9 -> (float) (b.get(at) & 0xff);
            default -> throw new IllegalStateException("dtype " + dtype);
        };
    }
}
