package org.infnet.cli;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs {@link Main} (or, with {@code --plain-djl}, only loads DJL's engine as a plain DJL user would) in a child
 * JVM with every http/https URL connection intercepted: the URL is recorded in the file named by the system
 * property {@code watch.report} and the connection fails before any socket opens. DJL's cloud-metadata probe
 * goes through {@code URL.openConnection}, so it shows up there without reaching the network.
 */
public final class WatchedMain {

    private WatchedMain() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(System.getProperty("watch.report"));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        URL.setURLStreamHandlerFactory(protocol -> protocol.equals("http") || protocol.equals("https")
                ? new URLStreamHandler() {
                    @Override
                    protected URLConnection openConnection(URL u) throws IOException {
                        seen.add(u.toString());
                        throw new IOException("connection blocked by the test: " + u);
                    }

                    @Override
                    protected URLConnection openConnection(URL u, Proxy p) throws IOException {
                        return openConnection(u);
                    }
                }
                : null);
        int status;
        if (args.length == 1 && args[0].equals("--plain-djl")) {
            ai.djl.engine.Engine.getInstance();
            status = 0;
        } else {
            status = Main.run(args, System.out, System.err);
        }
        Files.write(report, new ArrayList<>(seen));
        System.out.flush();
        System.exit(status);
    }
}
