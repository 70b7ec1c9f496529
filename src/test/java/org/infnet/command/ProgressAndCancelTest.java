package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.app.event.StatusEvent;

import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;

/** Issue 18 item 4: a stack reports progress slice by slice, and Esc cancels the run. */
class ProgressAndCancelTest {

    @TempDir
    Path dir;

    /** Collects status messages; presses Esc (ImageJ 1.x's flag) at the first slice done when asked to. */
    public static final class Listener {
        final List<String> messages = new ArrayList<>();
        final boolean escape;

        Listener(boolean escape) {
            this.escape = escape;
        }

        @EventHandler
        public synchronized void onStatus(StatusEvent e) {
            if (e.getStatusMessage() != null && e.getStatusMessage().startsWith("Inf-Net: slice")) {
                messages.add(e.getStatusMessage());
                if (escape) {
                    IJ.setKeyDown(KeyEvent.VK_ESCAPE);
                }
            }
        }
    }

    private org.scijava.module.Module segment(Path model, Listener l) throws Exception {
        Img<UnsignedByteType> stack = ArrayImgs.unsignedBytes(64, 64, 12);
        stack.forEach(t -> t.set(80));
        try (Context ctx = new Context(CommandService.class, InfNetService.class, StatusService.class, EventService.class)) {
            ctx.service(EventService.class).subscribe(l);
            return RunCommand.run(ctx, SegmentLungInfection.class, Map.of("image", stack, "model", model.toString(), "overlay", false));
        } finally {
            IJ.resetEscape();
        }
    }

    @Test
    void aStackReportsEachBatchAndEscCancelsIt() throws Exception {
        Path model = TestModels.randomCompact(dir.resolve("model"));
        IJ.setKeyDown(KeyEvent.VK_ESCAPE); // an Esc pressed before the run does not cancel it
        Listener all = new Listener(false);
        org.scijava.module.Module done = segment(model, all);
        assertTrue(done.getOutput("probability") != null, "the run was not cancelled by the earlier Esc");
        assertTrue(all.messages.size() >= 3, "progress per batch of slices: " + all.messages);
        assertTrue(all.messages.get(all.messages.size() - 1).contains("12/12"), all.messages.toString());

        Listener esc = new Listener(true);
        org.scijava.module.Module cancelled = segment(model, esc);
        assertNull(cancelled.getOutput("probability"), "Esc during the stack cancels it: no outputs");
        assertFalse(esc.messages.isEmpty());
        assertFalse(esc.messages.stream().anyMatch(m -> m.contains("12/12")), "stopped before the end: " + esc.messages);
        assertFalse(IJ.escapePressed(), "the flag is reset after the test");
    }
}
