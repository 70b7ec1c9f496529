package org.infnet.dist;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;

/**
 * Child-process probe for {@link DistributionIT}: plain ImageJ 1.x without a display. Started with only
 * {@code ij.jar} (and this class) on the class path and {@code -Dplugins.dir=IMAGEJ_DIR}, so every Inf-Net class
 * comes through ImageJ 1.x's own plugin class loader ({@code plugins/*.jar} and {@code IMAGEJ_DIR/jars/*.jar}).
 * Opens {@code args[0]} as the current image (batch mode), runs the ImageJ 1.x plugin {@code args[1]} with
 * argument {@code args[2]} and macro options {@code args[3]}, exactly as a {@code plugins.config} entry does,
 * and prints the plugin's class loader and the titles of the images it produced.
 */
public final class PlainImageJProbe {

    private PlainImageJProbe() {}

    public static void main(String[] args) {
        Interpreter.batchMode = true;
        ImagePlus imp = IJ.openImage(args[0]);
        if (imp == null) {
            throw new IllegalStateException("cannot open " + args[0]);
        }
        imp.show();
        // ImageJ 1.x hands macro options only to threads named as its macro runner names them
        Thread.currentThread().setName("Run$_probe");
        Macro.setOptions(args[3]);
        Object plugin = IJ.runPlugIn(args[1], args[2]);
        System.out.println("plugin=" + (plugin == null ? "null" : plugin.getClass().getName()));
        System.out.println("loader=" + (plugin == null ? "null" : plugin.getClass().getClassLoader().getClass().getName()));
        for (String title : WindowManager.getImageTitles()) {
            System.out.println("image=" + title);
        }
        System.exit(0);
    }
}
