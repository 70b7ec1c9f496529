package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.Progress;
import org.infnet.infer.TestModels;
import org.infnet.image.HuWindow;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No NDArray is left behind by segmentation, training steps, validation or a whole training run: the arrays
 * alive in the model's manager tree and in the engine's system manager (every manager of the JVM, through
 * {@link NDManager#getManagedArrays()}) are counted before and after, once the one-time state (optimizer
 * moments) exists.
 */
@ExtendWith(SingleThreaded.class)
class NDArrayLeakTest {

    @TempDir
    Path dir;

    /** Arrays alive in every manager of the engine (the system manager is the root of all of them). */
    static int systemArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    /** Bytes held by the JVM's direct buffers (freed only when the garbage collector finds a buffer unreachable). */
    static long directBufferBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void segmentingSlicesLeavesNoArrayBehind() throws Exception {
        try (NetworkModel<InfNet> model = ModelKind.INFNET.load(TestModels.randomCompact(dir.resolve("m")), Device.cpu())) {
            model.freeze();
            InfectionSegmenter seg = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2));
            float[] hu = new float[40 * 30 * 3];
            for (int i = 0; i < hu.length; i++) {
                hu[i] = -1000 + (i * 37 % 1200);
            }
            seg.segment(ArrayImgs.floats(hu, 40, 30, 3), Progress.NONE);
            int inModel = model.manager().getManagedArrays().size();
            int inSystem = systemArrays();
            long direct = directBufferBytes();
            assertTrue(inModel > 100, "the parameters are counted: " + inModel);
            seg.segment(ArrayImgs.floats(hu, 40, 30, 3), Progress.NONE); // batches of 2 and 1
            seg.segment(ArrayImgs.floats(hu.clone(), 40, 30 * 3), Progress.NONE);
            assertEquals(inModel, model.manager().getManagedArrays().size());
            assertEquals(inSystem, systemArrays());
            // inputs and interpolation matrices are engine memory freed on close, not Java direct buffers that
            // only a garbage collection frees (DJL's NDManager.create(float[]))
            long grown = directBufferBytes() - direct; // DJL's own few-byte buffers aside: one input batch is 98 KB
            assertTrue(grown < 4096, "Java direct-buffer bytes grew by " + grown + " in two more segmentations");
        }
    }

    @Test
    void trainingStepsAndValidationLeaveNoArrayBehind() {
        List<Sample> samples = TinyNets.discs(3, 2);
        Engine.getInstance().setRandomSeed(3);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu());
                Adam adam = new Adam(model.parameters(), 1e-3f, 0.5f)) {
            InfNetObjective.benchmarkStep(model, adam, samples.subList(0, 2), TinyNets.SIDE, TinyNets.SIDE);
            InfNetObjective.validate(model, samples, 2);
            int inModel = model.manager().getManagedArrays().size();
            int inSystem = systemArrays();
            int params = model.parameters().size();
            for (int i = 0; i < 3; i++) {
                InfNetObjective.benchmarkStep(model, adam, samples.subList(0, 2), TinyNets.SIDE, i == 1 ? 96 : 64);
            }
            InfNetObjective.Scores v = InfNetObjective.validate(model, samples, 2);
            assertTrue(Double.isFinite(v.summary().meanDic()));
            assertEquals(inModel, model.manager().getManagedArrays().size());
            assertEquals(inSystem, systemArrays());
            adam.close();
            // the optimizer's two moments per trainable parameter were the only arrays it added
            int trainable = (int) model.parameters().values().stream().filter(p -> p.requiresGradient()).count();
            assertEquals(inModel - 2 * trainable, model.manager().getManagedArrays().size(), params + " parameters");
        }
    }

    @Test
    void aTrainingRunLeavesNoArrayBehind() throws Exception {
        List<Sample> samples = TinyNets.discs(4, 9);
        Engine.getInstance().setRandomSeed(4);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            int inModel = model.manager().getManagedArrays().size();
            int inSystem = systemArrays();
            new Trainer<>(new InfNetObjective(model), TinyNets.config(1, 2, 1e-3f, 1), samples.subList(0, 3), samples.subList(3, 4),
                    dir.resolve("run"), TrainingListener.NONE).run();
            assertEquals(inModel, model.manager().getManagedArrays().size());
            assertEquals(inSystem, systemArrays());
        }
    }
}
