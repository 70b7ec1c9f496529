/**
 * The ImageJ 1.x face of the SciJava commands, for plain ImageJ 1.x and headless macro runs: every command
 * under {@code Plugins>Inf-Net} is registered in ImageJ 1.x's command table under its menu label, so a
 * macro's {@code run("Segment Lung Infection", "model=infnet-compact threshold=0.5")} reaches it exactly as
 * Fiji's ImageJ2 layer makes it reachable; images are handed over as ImgLib2 and results come back as
 * ImagePlus windows (batch-mode images in macros). This package sits beside {@code command}: it may use
 * ImageJ 1.x's GUI classes; nothing in the core packages does.
 */
package org.infnet.ij1;
