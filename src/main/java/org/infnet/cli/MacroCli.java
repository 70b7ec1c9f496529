package org.infnet.cli;

import ij.ImagePlus;
import ij.WindowManager;
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
 * macro's {@code print} output goes to stdout; a failed command or an aborted macro exits with status 1.
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
        try (Context ctx = new Context()) {
            CommandBridge.install(ctx);
            RunSciJavaCommand.clearLastError();
            RunSciJavaCommand.reportOnStderr(false);
            closeAll();
            Interpreter.batchMode = true;
            Interpreter interp = new Interpreter();
            interp.setIgnoreErrors(true); // no error dialogs headless; reported below
            String ret = interp.run(macro, argv.length > 1 ? argv[1] : "");
            String err = RunSciJavaCommand.lastError();
            if (err != null) {
                throw new IllegalStateException(err);
            }
            if (interp.wasError()) {
                throw new IllegalStateException(file.getFileName() + ": " + interp.getErrorMessage());
            }
            if ("[aborted]".equals(ret)) {
                throw new IllegalStateException("macro " + file.getFileName() + " aborted");
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
