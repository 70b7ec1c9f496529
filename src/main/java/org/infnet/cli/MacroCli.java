package org.infnet.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Debugger;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.ij1.CommandBridge;
import org.infnet.ij1.RunSciJavaCommand;
import org.scijava.Context;

/**
 * {@code macro FILE.ijm [ARG]}: runs an ImageJ macro headless, in batch mode, with every Inf-Net
 * command reachable by its menu label ({@code run("Segment Lung Infection", "...")}) as in Fiji. The
 * macro's {@code print} output goes to stdout.
 *
 * <p>Contract: the macro stops at its first failure and the run exits with status 1 after one {@code error:}
 * line naming the macro file, the line and the cause. Failures are macro-language errors (syntax errors,
 * undefined variables, {@code selectImage} of a missing image...), unknown commands (named), a failed Inf-Net
 * command, and an ImageJ command that throws (a dialog command without a display throws a
 * {@code HeadlessException}: the line says which command needs a display). No failure is ignored.
 */
final class MacroCli {

    private MacroCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        if (argv.length < 1 || argv.length > 2) {
            throw new Args.UsageException("usage: macro FILE.ijm [ARGUMENT]");
        }
        Path file = Path.of(argv[0]);
        if (!Files.isRegularFile(file)) {
            throw new Args.UsageException("no macro file " + file);
        }
        String macro = Files.readString(file, StandardCharsets.UTF_8);
        String name = String.valueOf(file.getFileName());
        try (Context ctx = new Context()) {
            CommandBridge.install(ctx);
            RunSciJavaCommand.clearLastError();
            RunSciJavaCommand.reportOnStderr(false);
            closeAll();
            Interpreter.batchMode = true;
            Interpreter interp = new Interpreter();
            interp.setIgnoreErrors(true); // no error dialogs headless: errors are watched for and reported below
            Watch watch = new Watch();
            interp.setDebugger(watch);
            IJ.setExceptionHandler(t -> {
                watch.thrown = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
                Interpreter.abort();
            });
            ij.CommandListener commands = cmd -> {
                watch.command = cmd;
                return cmd;
            };
            ij.Executer.addCommandListener(commands);
            PrintStream stdout = System.out;
            // ImageJ logs (prints, headless) the stack trace of a command that throws and lets the macro go on
            System.setOut(new TraceCatcher(stdout, watch));
            String ret;
            try {
                ret = interp.run(macro, argv.length > 1 ? argv[1] : "");
            } catch (RuntimeException e) {
                // ImageJ aborts a macro by throwing "Macro canceled" after recording the reason: report the reason
                if (failure(interp, watch) == null) {
                    throw new IllegalStateException(name + (watch.line > 0 ? " line " + watch.line : "") + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
                }
                ret = null;
            } finally {
                System.setOut(stdout);
                ij.Executer.removeCommandListener(commands);
                IJ.setExceptionHandler(null);
            }
            String failure = failure(interp, watch);
            if (failure != null) {
                throw new IllegalStateException(name + (watch.line > 0 ? " line " + watch.line : "") + ": " + failure);
            }
            if ("[aborted]".equals(ret)) {
                throw new IllegalStateException("macro " + name + " aborted");
            }
            if (ret != null && !ret.isEmpty()) {
                out.println(ret);
            }
            return 0;
        } finally {
            RunSciJavaCommand.reportOnStderr(true);
            closeAll(); // a run leaves nothing behind for the next one in the same JVM
        }
    }

    /** The first failure of the run, as one line, or null. */
    private static String failure(Interpreter interp, Watch watch) {
        String cmd = RunSciJavaCommand.lastError();
        if (cmd != null) {
            return cmd;
        }
        if (watch.thrown != null) {
            String t = watch.thrown;
            String command = watch.command == null ? "an ImageJ command" : "\"" + watch.command + "\"";
            if (t.startsWith("java.awt.HeadlessException")) {
                return command + " needs a dialog or window, which a headless macro cannot show"
                        + " (run it in the gui command or in Fiji)";
            }
            return command + " failed: " + t;
        }
        String err = interp.getErrorMessage();
        java.util.regex.Matcher m = err == null ? null
                : java.util.regex.Pattern.compile("Unrecognized command: \"(.*)\"").matcher(err);
        if (m != null && m.matches()) {
            @SuppressWarnings("unchecked")
            java.util.Hashtable<String, String> table = ij.Menus.getCommands();
            String near = table == null ? null : org.infnet.ij1.Suggestions.closest(m.group(1), table.keySet());
            return "unknown command \"" + m.group(1) + "\"" + (near == null ? "" : " (did you mean \"" + near + "\"?)");
        }
        if (err != null && !err.isBlank() && !err.equals("Macro canceled")) {
            return err;
        }
        return err == null ? null : "macro aborted";
    }

    /**
     * Called by the interpreter before every statement: stops the macro at the statement after an error (the
     * interpreter only records errors when it ignores them) and remembers the line of the statement running.
     */
    private static final class Watch implements Debugger {
        volatile String thrown;
        volatile String command;
        int line;
        private int current;

        @Override
        public int debug(Interpreter interp, int mode) {
            if (interp.getErrorMessage() != null || thrown != null || RunSciJavaCommand.lastError() != null) {
                line = current;
                interp.abortMacro();
                return 0;
            }
            try {
                current = interp.getLineNumber();
                line = current;
            } catch (RuntimeException e) {
                // no line information for this token
            }
            return 0;
        }
    }

    /**
     * Standard output that passes everything on except the Java stack traces ImageJ logs for a command that threw
     * (one {@code println} of the exception line and its {@code at} lines): those are recorded as the failure.
     */
    private static final class TraceCatcher extends PrintStream {
        private static final java.util.regex.Pattern TRACE = java.util.regex.Pattern.compile(
                "(?s)\\s*((?:[a-zA-Z_$][\\w$]*\\.)+[\\w$]*(?:Exception|Error)\\b[^\\n]*)\\R\\s+at .*");
        private final Watch watch;

        TraceCatcher(PrintStream out, Watch watch) {
            super(out, true);
            this.watch = watch;
        }

        @Override
        public void println(String x) {
            java.util.regex.Matcher m = x == null ? null : TRACE.matcher(x);
            if (m != null && m.matches()) {
                if (watch.thrown == null) {
                    watch.thrown = m.group(1).strip();
                }
                return;
            }
            super.println(x);
        }
    }

    private static void closeAll() {
        int[] ids = WindowManager.getIDList();
        if (ids != null) {
            for (int id : ids) {
                ImagePlus imp = WindowManager.getImage(id);
                if (imp != null) {
                    imp.changes = false;
                    imp.close();
                }
            }
        }
        for (int id : Interpreter.getBatchModeImageIDs()) {
            ImagePlus imp = WindowManager.getImage(id);
            if (imp != null) {
                Interpreter.removeBatchModeImage(imp);
            }
        }
        ResultsTable.getResultsTable().reset();
        Interpreter.batchMode = false;
    }
}
