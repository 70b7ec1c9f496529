package org.infnet.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a network's parameters in the original PyTorch state dict.
 *
 * <p>Every DJL parameter (weights, biases, batch-norm scale/shift and running statistics) gets the
 * name its value has in the original implementation's {@code state_dict()}, e.g. {@code
 * resnet.layer2.0.convs.1.weight} or {@code ra4_conv2.bn.running_var}. The mapping is derived from the
 * block tree: child names already spell the original module path; batch-norm parameter names are
 * translated ({@code gamma -> weight}, {@code beta -> bias}, {@code runningMean -> running_mean},
 * {@code runningVar -> running_var}); and modules that the original keeps flat but this port groups
 * ({@code raK.convJ -> raK_convJ}, {@code edge.convJ -> edge_convJ}) are renamed. The map is the single
 * bridge used by weight files, the parity test and checkpoint import.
 *
 * <p>For a {@link MultiClassUNet} the original's wrapper modules are spelled out instead: {@code
 * inc.conv1 -> inc.double_conv.0}, {@code bn1 -> .1}, {@code conv2 -> .3}, {@code bn2 -> .4} (the ReLUs
 * are indices 2 and 5), {@code downK. -> downK.maxpool_conv.1.double_conv.} (index 0 is the max-pool),
 * {@code upK. -> upK.conv.double_conv.} and {@code outc. -> outc.conv.}.
 */
public final class ReferenceNames {

    private static final Pattern RA = Pattern.compile("^ra(\\d)\\.conv(\\d)\\.");
    private static final Pattern EDGE = Pattern.compile("^edge\\.conv(\\d)\\.");
    private static final Pattern UNET = Pattern.compile("^(inc|down\\d|up\\d)\\.(conv|bn)([12])\\.(.+)$");

    private ReferenceNames() {}

    /** Reference name to parameter, in the block tree's order. */
    public static Map<String, Parameter> of(Block root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        walk(root, "", out, root instanceof MultiClassUNet ? ReferenceNames::toUNetReference : ReferenceNames::toReference);
        return out;
    }

    private static void walk(Block block, String prefix, Map<String, Parameter> out, UnaryOperator<String> rename) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            String name = rename.apply(prefix + paramName(p.getKey()));
            if (out.put(name, p.getValue()) != null) {
                throw new IllegalStateException("Duplicate reference name " + name);
            }
        }
        for (Pair<String, Block> c : block.getChildren()) {
            walk(c.getValue(), prefix + childName(c.getKey()) + ".", out, rename);
        }
    }

    /** Strips DJL's two-digit child ordinal ({@code "03conv_cat" -> "conv_cat"}). */
    static String childName(String key) {
        return key.substring(2);
    }

    private static String paramName(String djl) {
        return switch (djl) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djl;
        };
    }

    /** Applies the flat-module renames of the original Inf-Net to a dotted path. */
    static String toReference(String path) {
        String s = RA.matcher(path).replaceFirst("ra$1_conv$2.");
        return EDGE.matcher(s).replaceFirst("edge_conv$1.");
    }

    /** Applies the module renames of the original multi-class U-Net to a dotted path. */
    static String toUNetReference(String path) {
        if (path.startsWith("outc.")) {
            return "outc.conv." + path.substring("outc.".length());
        }
        Matcher m = UNET.matcher(path);
        if (!m.matches()) {
            throw new IllegalStateException("not a U-Net parameter path: " + path);
        }
        String module = m.group(1);
        String wrapper = module.equals("inc") ? "inc." : module.startsWith("down") ? module + ".maxpool_conv.1." : module + ".conv.";
        int index = (m.group(2).equals("conv") ? 0 : 1) + (m.group(3).equals("1") ? 0 : 3);
        return wrapper + "double_conv." + index + "." + m.group(4);
    }

    /** Whether a reference-table row is a running statistic or counter rather than a trainable value. */
    public static boolean isBufferName(String name) {
        return name.endsWith(".running_mean") || name.endsWith(".running_var") || name.endsWith(".num_batches_tracked");
    }
}
