package org.infnet.train;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(SingleThreaded.class)}: PyTorch runs single-threaded for the whole test class
 * ({@link TinyNets#singleThreaded()}), and the previous thread count is restored afterwards.
 */
public final class SingleThreaded implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TinyNets.singleThreaded();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TinyNets.restoreThreads();
    }
}
