package dev.breakwater.dataplane;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * What both processes' {@code main} does for their logs before anything else: java.util.logging (the OpenTelemetry
 * SDK's exporter, the JDK's HTTP client) goes to SLF4J, so that its records come out through Logback in the format
 * chosen by {@code BREAKWATER_LOG_FORMAT} like every other line, instead of JUL's own two-line text on stderr.
 */
public final class ProcessLogging {

    private ProcessLogging() {
    }

    /** Routes java.util.logging to SLF4J (once; again is harmless). */
    public static void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
