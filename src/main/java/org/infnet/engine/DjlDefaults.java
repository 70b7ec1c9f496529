package org.infnet.engine;

import java.lang.reflect.Method;

/**
 * The process-wide settings DJL reads when its classes load: no network, and quiet logging. They must be set
 * before the first DJL class initialises; {@link EngineSetup#ensure()} and the command-line entry point call
 * {@link #apply} first.
 *
 * <p><b>No network.</b> When its engine class loads, DJL "calls home": it asks the cloud-metadata address
 * 169.254.169.254 for an instance id, then reports to a telemetry server (DJL 0.36 {@code Ec2Utils.callHome},
 * from {@code Engine}'s static initialiser). It skips that when {@code ai.djl.offline} or
 * {@code OPT_OUT_TRACKING} is {@code true}; both are set here, unconditionally: offline mode also stops DJL from
 * downloading a native library (this project ships libtorch in a jar).
 *
 * <p><b>Quiet.</b> DJL logs INFO lines and a "Failed to detect GPU count" warning on a CPU-only machine. Unless
 * verbose, the {@code ai.djl} loggers are set to ERROR: through slf4j-simple's system property (read when each
 * logger is made, so it works even where slf4j-simple started earlier) and, where logback is the slf4j binding
 * (as in Fiji), through logback's API (by reflection, as logback is not a dependency). A level the user set
 * with {@code -Dorg.slf4j.simpleLogger.log.ai.djl=...} is kept.
 */
public final class DjlDefaults {

    /** The slf4j-simple level property of DJL's loggers. */
    public static final String DJL_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl";

    private static volatile Boolean applied;

    private DjlDefaults() {}

    /** Quiet and offline ({@code apply(false)}). */
    public static void apply() {
        apply(false);
    }

    /**
     * Offline, and DJL logs only errors, or everything from INFO up where {@code verbose}. Idempotent; a verbose
     * call after a quiet one turns logging up for DJL loggers made afterwards.
     */
    public static synchronized void apply(boolean verbose) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        if (applied != null && (applied || !verbose)) {
            return; // already as asked, or verbose already
        }
        if (verbose || System.getProperty(DJL_LOG_LEVEL) == null) {
            System.setProperty(DJL_LOG_LEVEL, verbose ? "info" : "error");
        }
        logbackLevel("ai.djl", verbose ? "INFO" : "ERROR");
        applied = verbose;
    }

    /** Whether {@link #apply} asked for verbose logging. */
    public static boolean verbose() {
        return Boolean.TRUE.equals(applied);
    }

    /** Sets a logback logger's level where logback is on the class path; does nothing otherwise. */
    private static void logbackLevel(String logger, String level) {
        ClassLoader cl = DjlDefaults.class.getClassLoader();
        try {
            Class<?> loggerClass = Class.forName("ch.qos.logback.classic.Logger", false, cl);
            Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", false, cl);
            Object l = Class.forName("org.slf4j.LoggerFactory", true, cl).getMethod("getLogger", String.class)
                    .invoke(null, logger);
            if (loggerClass.isInstance(l)) {
                Object lv = levelClass.getMethod("toLevel", String.class).invoke(null, level);
                Method set = loggerClass.getMethod("setLevel", levelClass);
                set.invoke(l, lv);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // no logback: nothing to set
        }
    }
}
