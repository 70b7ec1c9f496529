package org.infnet.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import java.util.ArrayList;
import java.util.List;
import org.infnet.command.SegmentLungInfection;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/**
 * Issue 18 item 5, the parts of the generated dialog that can be checked without a display (the dialog itself is
 * photographed by doc/make-screenshot.sh): the target image is named, the model is a choice, the Help page
 * carries every description (none is clipped there) and the macro keys.
 */
class CommandDialogTest {

    @Test
    void targetImageModelChoiceAndHelpPage() {
        ImageStack st = new ImageStack(40, 30);
        for (int i = 0; i < 3; i++) {
            st.addSlice(new ij.process.ShortProcessor(40, 30));
        }
        assertEquals("ct.tif (40x30x3, 16-bit)", CommandDialog.describe(new ImagePlus("ct.tif", st)));
        try (Context ctx = new Context(CommandService.class)) {
            CommandInfo info = ctx.service(CommandService.class).getCommand(SegmentLungInfection.class);
            List<ModuleItem<?>> asked = new ArrayList<>();
            for (ModuleItem<?> item : info.inputs()) {
                if (item.getType() == String.class || item.getType() == double.class || item.getType() == boolean.class) {
                    asked.add(item);
                }
            }
            assertTrue(asked.stream().anyMatch(CommandDialog::isModel), "the model is offered as a choice");
            assertEquals(1, asked.stream().filter(CommandDialog::isModel).count());
            String help = RunSciJavaCommand.help(info, asked);
            assertTrue(help.startsWith("<html>") && help.contains("Segment Lung Infection"), help);
            for (ModuleItem<?> item : asked) {
                assertTrue(help.contains(RunSciJavaCommand.key(item) + "="), "macro key of " + item.getName());
                if (item.getDescription() != null) {
                    assertTrue(help.contains(item.getDescription().replace("<", "&lt;")), item.getDescription());
                }
            }
        }
    }
}
