package org.infnet.io.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted Python unpickler (protocols 0 to 5, the opcodes {@code torch.save} and ordinary
 * containers produce). It never executes code: {@code GLOBAL} only yields a {@link Global} name, and
 * calling it ({@code REDUCE}, {@code NEWOBJ}) is delegated to a {@link Resolver}, which knows the few
 * callables a checkpoint needs. Unknown callables become inert {@link PyObject}s.
 *
 * <p>Python values map to: {@code None} to {@link #NONE}, bool to Boolean, int to Long (BigInteger
 * when larger), float to Double, str to String, bytes to byte[], tuple to {@link Tuple}, list to
 * ArrayList, dict to LinkedHashMap, set to LinkedHashSet.
 */
public final class PickleReader {

    /** Python {@code None}. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A module-level name ({@code GLOBAL module name}). */
    public record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A Python tuple. */
    public record Tuple(List<Object> items) {
        /** Item {@code i}. */
        public Object get(int i) {
            return items.get(i);
        }

        /** Number of items. */
        public int size() {
            return items.size();
        }
    }

    /** An object of a class the resolver does not know: its class, constructor arguments and state. */
    public static final class PyObject {
        public final Global type;
        public final List<Object> args;
        public Object state;

        PyObject(Global type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        @Override
        public String toString() {
            return "a " + type + " object";
        }
    }

    /** Supplies the meaning of callables and persistent ids. */
    public interface Resolver {
        /** The result of calling {@code callable(*args)}; return {@code null} for "unknown". */
        Object call(Global callable, List<Object> args) throws IOException;

        /** The object for a persistent id ({@code BINPERSID}). */
        Object persistentLoad(Object pid) throws IOException;
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Resolver resolver;
    private final String source;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PickleReader(ByteBuffer in, Resolver resolver, String source) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.resolver = resolver;
        this.source = source;
    }

    /** Reads one pickle from {@code in} starting at its position; leaves the position after STOP. */
    public static Object load(ByteBuffer in, Resolver resolver, String source) throws IOException {
        try {
            return new PickleReader(in, resolver, source).run();
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException(source + ": pickle data ends unexpectedly (truncated file?)", e);
        } catch (ClassCastException | java.util.NoSuchElementException | IndexOutOfBoundsException e) {
            throw new IOException(source + ": malformed pickle data (" + e.getMessage() + ")", e);
        }
    }

    /** Executes opcodes until STOP and returns the object it leaves. */
    private Object run() throws IOException {
        while (true) {
            int pos = in.position();
            int op = in.get() & 0xff;
            if (op == '.') { // STOP
                return pop();
            }
            if (!frameOrStackOp(op) && !containerOp(op) && !memoOp(op) && !objectOp(op) && !scalarOp(op)
                    && !textOp(op)) {
                throw new IOException(String.format("%s: unsupported pickle opcode 0x%02x at byte %d", source, op,
                        pos));
            }
            in.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Executes {@code op} if it is PROTO, FRAME, MARK, POP, POP_MARK or DUP (framing, the stack); false if not. */
    private boolean frameOrStackOp(int op) throws IOException {
        switch (op) {
            case 0x80 -> in.get(); // PROTO
            case 0x95 -> in.getLong(); // FRAME
            case '(' -> stack.push(MARK);
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> stack.push(peek());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Executes {@code op} if it builds or fills a tuple, list, dict or set; false if not. */
    private boolean containerOp(int op) throws IOException {
        switch (op) {
            case '}' -> stack.push(new LinkedHashMap<Object, Object>());
            case ']' -> stack.push(new ArrayList<Object>());
            case ')' -> stack.push(new Tuple(List.of()));
            case 0x8f -> stack.push(new LinkedHashSet<Object>());
            case 't' -> stack.push(new Tuple(popMark()));
            case 0x85 -> stack.push(new Tuple(Arrays.asList(pop())));
            case 0x86 -> {
                Object b = pop();
                Object a = pop();
                stack.push(new Tuple(Arrays.asList(a, b)));
            }
            case 0x87 -> {
                Object c = pop();
                Object b = pop();
                Object a = pop();
                stack.push(new Tuple(Arrays.asList(a, b, c)));
            }
            case 'l' -> stack.push(new ArrayList<>(popMark()));
            case 'd' -> {
                List<Object> kv = popMark();
                Map<Object, Object> d = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    d.put(kv.get(i), kv.get(i + 1));
                }
                stack.push(d);
            }
            case 0x91 -> stack.push(new LinkedHashSet<>(popMark())); // FROZENSET
            case 0x90 -> { // ADDITEMS
                List<Object> items = popMark();
                castSet(peek()).addAll(items);
            }
            case 's' -> {
                Object v = pop();
                Object k = pop();
                castMap(peek()).put(k, v);
            }
            case 'u' -> {
                List<Object> kv = popMark();
                Map<Object, Object> d = castMap(peek());
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    d.put(kv.get(i), kv.get(i + 1));
                }
            }
            case 'a' -> {
                Object v = pop();
                castList(peek()).add(v);
            }
            case 'e' -> {
                List<Object> items = popMark();
                castList(peek()).addAll(items);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Executes {@code op} if it stores to or fetches from the memo; false if not. */
    private boolean memoOp(int op) throws IOException {
        switch (op) {
            case 'q' -> memo.put((long) (in.get() & 0xff), peek());
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
            case 'p' -> memo.put(Long.parseLong(line()), peek());
            case 0x94 -> memo.put((long) memo.size(), peek());
            case 'h' -> stack.push(memoGet(in.get() & 0xff));
            case 'j' -> stack.push(memoGet(in.getInt() & 0xffffffffL));
            case 'g' -> stack.push(memoGet(Long.parseLong(line())));
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Executes {@code op} if it names a global, calls one, builds an object or loads a persistent id (a tensor
     * storage); false if not.
     */
    private boolean objectOp(int op) throws IOException {
        switch (op) {
            case 'c' -> stack.push(new Global(line(), line()));
            case 0x93 -> {
                String name = (String) pop();
                String module = (String) pop();
                stack.push(new Global(module, name));
            }
            case 'R' -> {
                Object args = pop();
                Object fn = pop();
                stack.push(call(fn, ((Tuple) args).items()));
            }
            case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                Object args = pop();
                Object cls = pop();
                stack.push(call(cls, ((Tuple) args).items()));
            }
            case 0x92 -> { // NEWOBJ_EX
                pop();
                Object args = pop();
                Object cls = pop();
                stack.push(call(cls, ((Tuple) args).items()));
            }
            case 'b' -> build(pop(), peek());
            case 'Q' -> stack.push(resolver.persistentLoad(pop()));
            case 'P' -> stack.push(resolver.persistentLoad(line()));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Executes {@code op} if it pushes None, a boolean, an integer or a float; false if not. */
    private boolean scalarOp(int op) throws IOException {
        switch (op) {
            case 'N' -> stack.push(NONE);
            case 0x88 -> stack.push(Boolean.TRUE);
            case 0x89 -> stack.push(Boolean.FALSE);
            case 'J' -> stack.push((long) in.getInt());
            case 'K' -> stack.push((long) (in.get() & 0xff));
            case 'M' -> stack.push((long) (in.getShort() & 0xffff));
            case 0x8a -> stack.push(longN(in.get() & 0xff));
            case 0x8b -> stack.push(longN(in.getInt()));
            case 'I' -> {
                String s = line();
                stack.push(s.equals("01") ? Boolean.TRUE : s.equals("00") ? Boolean.FALSE : (Object) Long.parseLong(s));
            }
            case 'L' -> {
                String s = line();
                stack.push(normalise(new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s)));
            }
            case 'G' -> stack.push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
            case 'F' -> stack.push(Double.parseDouble(line()));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Executes {@code op} if it pushes a string or bytes; false if not. */
    private boolean textOp(int op) throws IOException {
        switch (op) {
            case 'X' -> stack.push(new String(bytes(in.getInt()), StandardCharsets.UTF_8));
            case 0x8c -> stack.push(new String(bytes(in.get() & 0xff), StandardCharsets.UTF_8));
            case 0x8d -> stack.push(new String(bytes(in.getLong()), StandardCharsets.UTF_8));
            case 'V' -> stack.push(line());
            case 'U' -> stack.push(new String(bytes(in.get() & 0xff), StandardCharsets.ISO_8859_1));
            case 'T' -> stack.push(new String(bytes(in.getInt()), StandardCharsets.ISO_8859_1));
            case 'S' -> {
                String s = line();
                stack.push(s.length() >= 2 ? s.substring(1, s.length() - 1) : s);
            }
            case 'C' -> stack.push(bytes(in.get() & 0xff));
            case 'B' -> stack.push(bytes(in.getInt()));
            case 0x8e -> stack.push(bytes(in.getLong()));
            case 0x96 -> stack.push(bytes(in.getLong())); // BYTEARRAY8
            default -> {
                return false;
            }
        }
        return true;
    }

    private Object call(Object fn, List<Object> args) throws IOException {
        if (!(fn instanceof Global g)) {
            throw new IOException(source + ": cannot call " + describe(fn));
        }
        if (g.module().equals("collections") && g.name().equals("OrderedDict") && args.isEmpty()) {
            return new LinkedHashMap<Object, Object>();
        }
        if (g.module().equals("builtins") || g.module().equals("__builtin__")) {
            switch (g.name()) {
                case "set", "frozenset" -> {
                    return args.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>((List<?>) args.get(0));
                }
                case "list" -> {
                    return args.isEmpty() ? new ArrayList<>() : new ArrayList<>((List<?>) args.get(0));
                }
                case "dict" -> {
                    return new LinkedHashMap<Object, Object>();
                }
                default -> {
                }
            }
        }
        Object r = resolver.call(g, args);
        return r != null ? r : new PyObject(g, args);
    }

    /** BUILD: unknown objects keep their state; for tensors and dicts (OrderedDict._metadata) it is irrelevant. */
    private static void build(Object state, Object target) {
        if (target instanceof PyObject o) {
            o.state = state;
        }
    }

    private Object longN(int n) {
        byte[] b = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = b[n - 1 - i];
        }
        return normalise(new BigInteger(be));
    }

    private static Object normalise(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private byte[] bytes(long n) {
        if (n < 0 || n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte c = in.get();
            if (c == '\n') {
                break;
            }
            sb.append((char) (c & 0xff));
        }
        String s = sb.toString();
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private Object memoGet(long key) throws IOException {
        Object v = memo.get(key);
        if (v == null) {
            throw new IOException(source + ": pickle refers to unknown memo entry " + key);
        }
        return v;
    }

    private Object pop() throws IOException {
        Object o = stack.pop();
        if (o == MARK) {
            throw new IOException(source + ": malformed pickle data (unexpected mark)");
        }
        return o;
    }

    private Object peek() throws IOException {
        Object o = stack.peek();
        if (o == null || o == MARK) {
            throw new IOException(source + ": malformed pickle data (empty stack)");
        }
        return o;
    }

    private List<Object> popMark() {
        ArrayList<Object> items = new ArrayList<>();
        while (true) {
            Object o = stack.pop();
            if (o == MARK) {
                break;
            }
            items.add(o);
        }
        java.util.Collections.reverse(items);
        return items;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> castMap(Object o) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new IOException(source + ": cannot set items on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> castList(Object o) throws IOException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IOException(source + ": cannot append to " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Set<Object> castSet(Object o) throws IOException {
        if (o instanceof Set<?> s) {
            return (Set<Object>) s;
        }
        throw new IOException(source + ": cannot add to " + describe(o));
    }

    /** A short description of a decoded value for messages. */
    public static String describe(Object o) {
        if (o == null || o == NONE) {
            return "None";
        }
        if (o instanceof PyObject p) {
            return p.toString();
        }
        if (o instanceof Global g) {
            return "the name " + g;
        }
        if (o instanceof Map<?, ?>) {
            return "a dict";
        }
        if (o instanceof List<?>) {
            return "a list";
        }
        if (o instanceof Tuple) {
            return "a tuple";
        }
        return "a " + o.getClass().getSimpleName() + " (" + o + ")";
    }
}
