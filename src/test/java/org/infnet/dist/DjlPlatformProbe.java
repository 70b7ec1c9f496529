package org.infnet.dist;

import ai.djl.util.ClassLoaderUtils;
import ai.djl.util.Platform;
import java.net.URL;
import java.util.Enumeration;

/**
 * Child-process probe for {@link DistributionIT}: runs DJL's own platform detection for the PyTorch engine on the
 * class path it is given (the distribution's jars), under the {@code os.name}/{@code os.arch} the parent sets,
 * and prints what DJL's offline loader ({@code ai.djl.pytorch.jni.LibUtils}) would then read: one
 * {@code key=value} line each. Nothing is loaded or extracted.
 */
public final class DjlPlatformProbe {

    private DjlPlatformProbe() {}

    public static void main(String[] args) throws Exception {
        Platform p = Platform.detectPlatform("pytorch");
        System.out.println("placeholder=" + p.isPlaceholder());
        System.out.println("classifier=" + p.getClassifier());
        System.out.println("flavor=" + p.getFlavor());
        System.out.println("version=" + p.getVersion());
        System.out.println("apiVersion=" + p.getApiVersion());
        // the jar the chosen platform's properties came from
        Enumeration<URL> urls = ClassLoaderUtils.getContextClassLoader().getResources("native/lib/pytorch.properties");
        while (urls.hasMoreElements()) {
            URL u = urls.nextElement();
            if (u.toString().contains(p.getClassifier())) {
                System.out.println("source=" + u);
            }
        }
        // LibUtils.copyNativeLibraryFromClasspath reads pytorch/<flavor>/<classifier>/<library> for each library
        int missing = 0;
        String[] libs = p.getLibraries() == null ? new String[0] : p.getLibraries();
        for (String lib : libs) {
            if (ClassLoaderUtils.getResource("pytorch/" + p.getFlavor() + "/" + p.getClassifier() + "/" + lib) == null) {
                System.out.println("missingLibrary=" + lib);
                missing++;
            }
        }
        System.out.println("libraries=" + libs.length);
        System.out.println("missingLibraries=" + missing);
        // LibUtils.findJniLibrary reads jnilib/<classifier>/<flavor>/<jni name> when jnilib/pytorch.properties
        // names this engine version; args[0] is the JNI file name of the simulated OS
        System.out.println("jni=" + (ClassLoaderUtils.getResource(
                "jnilib/" + p.getClassifier() + "/" + p.getFlavor() + "/" + args[0]) != null));
        URL jniProps = ClassLoaderUtils.getResource("jnilib/pytorch.properties");
        if (jniProps != null) {
            java.util.Properties props = new java.util.Properties();
            try (var in = jniProps.openStream()) {
                props.load(in);
            }
            System.out.println("jniVersion=" + props.getProperty("jni_version"));
        }
    }
}
