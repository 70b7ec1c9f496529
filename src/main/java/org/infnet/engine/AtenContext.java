package org.infnet.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Switches of PyTorch's {@code at::Context} (the process-wide ATen settings) that DJL does not expose, called
 * through JNA on the libtorch_cpu library DJL has loaded: whether ATen may use oneDNN (mkldnn) and NNPACK for
 * its CPU kernels, and whether NNPACK can start on this processor.
 *
 * <p>Linux and macOS export the Itanium-mangled names (checked against libtorch 2.7.1 on linux-x86_64);
 * Windows' MSVC names are tried as well (not run on Windows). The PyTorch engine must be loaded first.
 */
final class AtenContext {

    private static final String[] GLOBAL_CONTEXT = {"_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ"};
    private static final String[] SET_MKLDNN = {"_ZN2at7Context20setUserEnabledMkldnnEb",
        "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z"};
    private static final String[] GET_MKLDNN = {"_ZNK2at7Context17userEnabledMkldnnEv",
        "?userEnabledMkldnn@Context@at@@QEBA_NXZ"};
    private static final String[] SET_NNPACK = {"_ZN2at7Context20setUserEnabledNNPACKEb",
        "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"};
    private static final String[] GET_NNPACK = {"_ZNK2at7Context17userEnabledNNPACKEv",
        "?userEnabledNNPACK@Context@at@@QEBA_NXZ"};
    private static final String[] NNPACK_AVAILABLE = {"_ZN2at6native17_nnpack_availableEv",
        "?_nnpack_available@native@at@@YA_NXZ"};

    private final NativeLibrary lib;
    private final Pointer context;

    private AtenContext(NativeLibrary lib) {
        this.lib = lib;
        this.context = (Pointer) function(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
    }

    /**
     * The context of the libtorch that DJL loaded from {@code libtorchDir} (DJL's
     * {@code LibUtils.getLibtorchPath()}).
     *
     * @throws IllegalStateException if no libtorch_cpu library or none of the expected symbols is found there
     */
    static AtenContext of(Path libtorchDir) {
        List<String> names = List.of("libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll");
        Path lib = null;
        for (String n : names) {
            if (Files.isRegularFile(libtorchDir.resolve(n))) {
                lib = libtorchDir.resolve(n);
                break;
            }
        }
        if (lib == null) {
            try (Stream<Path> s = Files.list(libtorchDir)) {
                lib = s.filter(p -> p.getFileName().toString().matches("(lib)?torch_cpu[.-].*")).findFirst()
                        .orElse(null);
            } catch (IOException e) {
                lib = null;
            }
        }
        if (lib == null) {
            throw new IllegalStateException("no libtorch_cpu library in " + libtorchDir);
        }
        // dlopen of the path DJL loaded returns the same, already initialised library
        return new AtenContext(NativeLibrary.getInstance(lib.toString()));
    }

    private Function function(String[] names) {
        UnsatisfiedLinkError last = null;
        for (String n : names) {
            try {
                return lib.getFunction(n);
            } catch (UnsatisfiedLinkError e) {
                last = e;
            }
        }
        throw new IllegalStateException("libtorch exports none of " + String.join(", ", names), last);
    }

    /** {@code at::globalContext().setUserEnabledMkldnn(on)}: whether ATen's CPU convolutions may use oneDNN. */
    void setMkldnn(boolean on) {
        function(SET_MKLDNN).invoke(Void.class, new Object[] {context, on});
    }

    /** Whether ATen may use oneDNN. */
    boolean mkldnn() {
        return (function(GET_MKLDNN).invokeInt(new Object[] {context}) & 0xFF) != 0;
    }

    /** {@code at::globalContext().setUserEnabledNNPACK(on)}. */
    void setNnpack(boolean on) {
        function(SET_NNPACK).invoke(Void.class, new Object[] {context, on});
    }

    /** Whether ATen may use NNPACK. */
    boolean nnpack() {
        return (function(GET_NNPACK).invokeInt(new Object[] {context}) & 0xFF) != 0;
    }

    /**
     * {@code at::native::_nnpack_available()}: whether NNPACK started on this processor (the first call tries to
     * start it and, where it cannot, libtorch prints a warning: call it only in the self-check's child process).
     */
    boolean nnpackAvailable() {
        return (function(NNPACK_AVAILABLE).invokeInt(new Object[0]) & 0xFF) != 0;
    }
}
