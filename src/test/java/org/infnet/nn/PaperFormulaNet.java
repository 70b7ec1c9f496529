package org.infnet.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;

/** The paper-size Inf-Net (Res2Net-50) with the parity oracle's closed-formula weights, for benches. */
public final class PaperFormulaNet {

    private PaperFormulaNet() {}

    /** The network, initialised in {@code manager} for inputs of side {@code side}. */
    public static InfNet create(NDManager manager, int side) throws IOException {
        InfNet net = new InfNet(InfNetConfig.PAPER);
        net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, InfNet.inputShape(1, side));
        ReferenceNetwork.fillByFormula(ReferenceNetwork.infnetTable(), ReferenceNames.of(net));
        return net;
    }
}
