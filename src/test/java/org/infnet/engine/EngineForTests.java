package org.infnet.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (JUnit's extension auto-detection, {@code junit-platform.properties}): readies
 * the engine through {@link EngineSetup#ensure()} before the class runs, as the product's entry points do, so that
 * no test touches PyTorch in a configuration the self-check has not chosen (or a forced one).
 *
 * <p>With {@code -Dinfnet.test.onlyVerified=true} (the surefire executions that force a configuration) a class is
 * skipped where the forced configuration failed the self-check on this machine (such as oneDNN on, where it
 * crashes or computes wrong convolutions), and also where it is the self-check's own choice (the default
 * execution, which runs every test, has just tested it): each configuration that passes the self-check is then
 * tested once on every machine, the one that fails nowhere, and CI stays green on every machine.
 */
public final class EngineForTests implements BeforeAllCallback {

    private static volatile boolean told;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (Boolean.getBoolean("infnet.test.onlyVerified")) {
            String forced = System.getProperty(EngineSetup.ONEDNN, "auto");
            if (!forced.equals("auto")) {
                SelfCheckVerdict v = EngineSetup.verdict();
                boolean on = forced.equals("on");
                EngineConfig auto = v.best();
                String skip = !v.passed(on) ? "oneDNN " + forced + " failed the engine self-check on this machine ("
                        + v.summary() + "): not used here, not tested"
                        : auto != null && auto.onednn() == on ? "oneDNN " + forced + " is the self-check's choice on "
                        + "this machine, which the default execution has tested" : null;
                if (skip != null && !told) {
                    told = true;
                    System.err.println("EngineForTests: classes skipped: " + skip);
                }
                assumeTrue(skip == null, skip);
            }
        }
        EngineSetup.ensure();
    }
}
