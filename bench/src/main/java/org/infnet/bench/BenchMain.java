package org.infnet.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.infnet.cli.Args;
import org.infnet.cli.Main;
import org.infnet.engine.DjlDefaults;
import org.infnet.phantom.MakeTestImages;

/**
 * Entry point of the bench module: {@code java -jar bench/target/Inf_Net-bench.jar COMMAND [OPTIONS]}, the
 * measurements and phantom tools that the plugin jar does not carry. Errors print one {@code error:} line and exit
 * non-zero, as the product's CLI ({@link org.infnet.cli.Main}) does.
 */
public final class BenchMain {

    private BenchMain() {}

    /** Runs a command and exits with its status. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a command; returns the exit status (0 success, 1 failure, 2 usage error). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.println(usage());
            return argv.length == 0 ? 2 : 0;
        }
        System.setProperty("java.awt.headless", "true");
        DjlDefaults.apply(false);
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        return Main.guarded(() -> switch (argv[0]) {
            case "bench" -> BenchCli.run(rest, out);
            case "make-test-images" -> makeTestImages(rest, out);
            case "readme-picture" -> ReadmePicture.run(rest, out);
            default -> throw new Args.UsageException("unknown command '" + argv[0] + "'\n" + usage());
        }, out, err, BenchMain::usage, false);
    }

    /** {@code make-test-images [DIR]}: writes the synthetic test set ({@link MakeTestImages}, default test-images). */
    private static int makeTestImages(String[] args, PrintStream out) throws java.io.IOException {
        if (args.length > 1) {
            throw new Args.UsageException("usage: make-test-images [DIR]");
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "test-images");
        MakeTestImages.write(dir);
        out.println("wrote " + MakeTestImages.COUNT + " phantom slices and the phantom volume to " + dir.toAbsolutePath());
        return 0;
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar bench/target/Inf_Net-bench.jar COMMAND [OPTIONS]",
                "  bench     [--model NAME|DIR ...] [--arch ARCH ...] [--batch 1,4] [--runs 20] [--warmup 3]"
                        + " [--engine onnx,pytorch]",
                "            | --volume 300 [--format nifti|nifti-float32|png] [--keep DIR] [--streams N]",
                "            | --rss 1000 [--gc] [--trim] [--maps] [--pause MS]",
                "            | --train [--arch A ...] [--train-batch 4] [--steps 4] [--scales 0.75,1,1.25]",
                "  make-test-images [DIR]   the synthetic test set (default test-images/; deterministic)",
                "  readme-picture SLICE.png MASK.png GT.png OUT.png   the README's picture (doc/readme-picture.sh)",
                "A/B programs: java -cp \"bench/target/Inf_Net-bench.jar:bench/target/lib/*\" org.infnet.bench.ab.NAME");
    }
}
