package org.infnet.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Supplier;
import org.infnet.engine.DjlDefaults;

/**
 * Headless entry point: {@code java -jar Inf_Net.jar COMMAND [OPTIONS]}. Every failure prints one
 * line starting with {@code error:} and exits non-zero. DJL is set offline and quiet ({@link DjlDefaults}) before
 * any command runs; {@code --verbose} anywhere on the line keeps DJL's log lines and prints stack traces.
 */
public final class Main {

    private Main() {}

    /** Runs a sub-command and exits with its status. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a sub-command; returns the exit status (0 success, 1 failure, 2 usage error). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.println(usage());
            return argv.length == 0 ? 2 : 0;
        }
        boolean verbose = Arrays.asList(argv).contains("--verbose");
        if (verbose) {
            argv = Arrays.stream(argv).filter(s -> !s.equals("--verbose")).toArray(String[]::new);
            if (argv.length == 0) {
                out.println(usage());
                return 2;
            }
        }
        DjlDefaults.apply(verbose);
        String command = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        return guarded(() -> switch (command) {
            case "segment" -> SegmentCli.run(rest, out);
            case "train" -> TrainCli.run(rest, out);
            case "pseudo-label" -> PseudoLabelCli.run(rest, out);
            case "train-multiclass" -> TrainMultiClassCli.run(rest, out);
            case "evaluate" -> EvaluateCli.run(rest, out);
            case "macro" -> MacroCli.run(rest, out);
            case "gui" -> GuiCli.run(rest, out);
            case "import-pytorch" -> ImportCli.run(rest, out);
            case "export-onnx" -> ExportOnnxCli.run(rest, out);
            default -> {
                err.println("error: unknown command '" + command + "'\n" + usage());
                yield 2;
            }
        }, out, err, Main::usage, verbose);
    }

    /** A command's work; returns the exit status. */
    @FunctionalInterface
    public interface Job {
        int run() throws Exception;
    }

    /**
     * Runs {@code job} the way a command line reports: {@code --help} prints {@code usage} (status 0), a usage mistake
     * prints one {@code error:} line (2), any other failure one {@code error:} line (1; with {@code verbose} after its
     * stack trace). The bench module's entry point reports the same way.
     */
    public static int guarded(Job job, PrintStream out, PrintStream err, Supplier<String> usage, boolean verbose) {
        try {
            return job.run();
        } catch (Args.HelpRequested e) {
            out.println(usage.get());
            return 0;
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception | LinkageError e) {
            if (verbose) {
                e.printStackTrace(err);
            }
            err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar Inf_Net.jar COMMAND [OPTIONS] [--verbose]",
                "  --verbose  DJL's log lines, the engine configuration, stack traces of errors",
                "  segment   INPUT... --output DIR [--model NAME|DIR] [--threshold 0.5] [--edges]",
                "            [--multiclass [--prior-model NAME|DIR]]   GGO/consolidation labels + probability maps",
                "            [--window-level -600] [--window-width 1500] [--batch 4] [--streams N] [--device cpu|gpu]",
                "            [--engine onnx|pytorch] [--onnx-threads N]   (default: the model's preference, else onnx)",
                "            [--precision fp32|int8]   int8: the Inf-Net quantised for ONNX Runtime (0.6x CPU time)",
                "            (N files, or parts of one stack, at once; default one per processor)",
                "            [--intercept C]   16/32-bit and NIfTI values v are HU v + C (e.g. -1024 for HU + 1024 exports)",
                "            (-- ends the options; --help or -h after any command prints this)",
                "  evaluate  --pred DIR --gt DIR [--class 1|ggo|2|consolidation] [--csv FILE] [--strict]",
                "  export-onnx MODEL --output FILE.onnx [--multiclass]   the network as ONNX (opset 17, dynamic batch)",
                "  import-pytorch FILE.pth --arch infnet-res2net50|multiclass-unet --output DIR [--name NAME]",
                "  train     --data DIR [--data DIR ...] --output DIR [--arch infnet-compact|infnet-res2net50]",
                "            [--validation DIR | --val-count N | --val-fraction F] [--epochs N] [--batch N] [--lr X] [--decay-every N]",
                "            [--decay-rate X] [--clip X] [--scales 0.75,1,1.25] [--augment none|mild] [--seed N]",
                "            [--repeat-first N] [--init MODEL_DIR] [--device cpu|gpu] [--checkpoint-minutes M]",
                "  pseudo-label --labelled DIR --unlabelled DIR --output DIR [--init MODEL] [--k 5] [--epochs-per-round 9]",
                "            [--lr 3e-4] [--batch 16] [--scales 0.75,1,1.25] [--max-rounds N] [--seed N] [--validation DIR]",
                "            [--final [--arch ARCH] [--final-epochs 100] [--final-lr 1e-4] [--finetune-epochs 100] [--finetune-lr 1e-4]]",
                "            [--reference PSEUDO_GT_DIR] [--device cpu|gpu]",
                "  train-multiclass --data DIR --output DIR [--arch multiclass-unet-compact|multiclass-unet]",
                "            [--prior-model NAME|DIR | --prior-folder] [--val-count 10] [--epochs 200] [--batch 16]",
                "            [--optimizer sgd|adam] [--lr 0.01] [--momentum 0.7] [--size 352] [--decay-every N]",
                "            [--decay-rate X] [--clip X] [--scales 1] [--augment none|mild] [--seed N] [--init MODEL_DIR]",
                "  macro     FILE.ijm [ARGUMENT]   run an ImageJ macro headless; Inf-Net commands by menu label",
                "  gui       [STARTUP.ijm [ARGUMENT]]   open ImageJ 1.x with a Plugins>Inf-Net menu (needs a display)");
    }
}
