package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.InfectionSegmenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

/**
 * Issue 18 item 5 in Fiji's own (SciJava) dialog: every model parameter is a choice of the installed models plus
 * "Other", set by the command's initializer before Fiji builds its widgets, and "Other" reads the folder parameter.
 */
class ModelChoicesTest {

    @TempDir
    Path dir;

    @Test
    void fijisDialogOffersTheInstalledModelsAndOther() throws Exception {
        try (Context ctx = new Context(CommandService.class, InfNetService.class)) {
            for (Class<? extends org.scijava.command.Command> c : List.<Class<? extends org.scijava.command.Command>>of(SegmentLungInfection.class, ShowEdgeAttention.class, GeneratePseudoLabels.class,
                    SegmentGgoConsolidation.class)) {
                CommandInfo info = ctx.service(CommandService.class).getCommand(c);
                Module m = ctx.service(ModuleService.class).createModule(info);
                assertTrue(info.getInput("model").getChoices() == null || info.getInput("model").getChoices().isEmpty(),
                        "before the initializer the parameter is free text");
                m.initialize(); // what Fiji's InitPreprocessor does before its input harvester builds the dialog
                List<String> inputs = c == SegmentGgoConsolidation.class ? List.of("model", "infection") : List.of("model");
                for (String input : inputs) {
                    List<?> choices = m.getInfo().getInput(input).getChoices();
                    assertTrue(choices.contains("infnet-compact") && choices.contains("multiclass-compact"),
                            c.getSimpleName() + "." + input + ": " + choices);
                    assertEquals(ModelChoices.OTHER_FOLDER, choices.get(choices.size() - 1));
                    String folder = info.getInput(input).get(ModelChoices.FOLDER_ATTRIBUTE);
                    assertNotNull(m.getInfo().getInput(folder), c.getSimpleName() + "." + input + " names " + folder);
                    assertEquals(File.class, m.getInfo().getInput(folder).getType(), c.getSimpleName() + "." + folder);
                    assertEquals("directory", m.getInfo().getInput(folder).getWidgetStyle());
                }
            }
        }
    }

    @Test
    void otherReadsTheFolderAndAMacroMayStillGiveAFolderAsTheModel() throws Exception {
        Path folder = dir.resolve("my-model");
        Files.createDirectories(folder);
        try (Stream<Path> s = Files.list(Path.of("models", "infnet-compact"))) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".onnx")).toList()) {
                Files.copy(p, folder.resolve(p.getFileName()));
            }
        }
        float[] named = probability(Map.of("model", "infnet-compact"));
        assertArrayEquals(named, probability(Map.of("model", ModelChoices.OTHER_FOLDER, "modelFolder", folder.toFile())));
        assertArrayEquals(named, probability(Map.of("model", folder.toString())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelChoices.resolve(ModelChoices.OTHER_FOLDER, null, "Model"));
        assertEquals("Model: 'Other (model folder below)' is chosen but no model folder is given", e.getMessage());
        Map<String, Object> noFolder = new HashMap<>();
        noFolder.put("model", ModelChoices.OTHER_FOLDER);
        noFolder.put("modelFolder", null); // given as empty, not the folder Fiji remembers from the run above
        Throwable t = assertThrows(java.util.concurrent.ExecutionException.class, () -> probability(noFolder));
        while (t.getCause() != null) {
            t = t.getCause();
        }
        assertTrue(String.valueOf(t.getMessage()).contains("no model folder is given"), String.valueOf(t.getMessage()));
    }

    private static float[] probability(Map<String, Object> model) throws Exception {
        float[] px = new float[48 * 40];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (-800 + 900 * Math.sin(i * 0.37) * Math.sin(i * 0.011));
        }
        Map<String, Object> in = new HashMap<>(model);
        in.put("image", ArrayImgs.floats(px, 48, 40));
        in.put("overlay", false);
        try (Context ctx = new Context(CommandService.class, InfNetService.class)) {
            @SuppressWarnings("unchecked")
            Img<FloatType> prob = (Img<FloatType>) RunCommand.run(ctx, SegmentLungInfection.class, in).getOutput("probability");
            return prob == null ? null : InfectionSegmenter.floats(prob);
        }
    }
}
