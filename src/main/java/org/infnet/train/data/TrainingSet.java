package org.infnet.train.data;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * An indexed data set root whose samples load by name: {@link InfNetDataset} for Inf-Net, {@link
 * MultiClassDataset#withPriors} for the multi-class U-Net.
 *
 * @param <S> sample type
 */
public interface TrainingSet<S extends TrainingSample<S>> {

    /** All sample names in index order (immutable; reading them reads no pixel data). */
    List<String> names();

    /** Loads the named samples at their native sizes, in the given order. */
    List<S> load(Collection<String> names) throws IOException;
}
