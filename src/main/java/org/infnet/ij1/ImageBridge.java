package org.infnet.ij1;

import ij.ImagePlus;
import ij.plugin.LutLoader;
import java.awt.image.IndexColorModel;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.infnet.infer.LesionClasses;
import org.infnet.image.Calibration3D;
import org.infnet.image.ImageConversions;

/** ImagePlus <-> ImgLib2 hand-over for {@link RunSciJavaCommand}. */
final class ImageBridge {

    private ImageBridge() {}

    /** The command's view of an open image ({@link ImageConversions#toSegmentationInput}). */
    static Img<? extends RealType<?>> toImg(ImagePlus imp) {
        ImageConversions.requireXYorXYZ(imp);
        return ImageConversions.toSegmentationInput(imp);
    }

    /**
     * An output image as an ImagePlus: unsigned-byte images stay 8-bit (masks, labels), everything else
     * becomes 32-bit; values in [0,1] (probability, edge maps) get the "Fire" LUT on a 0..1 display range.
     */
    @SuppressWarnings("unchecked")
    static ImagePlus toImagePlus(RandomAccessibleInterval<? extends RealType<?>> img, String title, Calibration3D cal) {
        Object t = img.getType();
        if (t instanceof UnsignedByteType) {
            return ImageConversions.toImagePlus8((RandomAccessibleInterval<UnsignedByteType>) img, title, cal);
        }
        ImagePlus imp = ImageConversions.toImagePlus(ImageConversions.toFloatImg(img), title, cal);
        double[] range = {Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int z = 1; z <= imp.getStackSize(); z++) {
            for (float v : (float[]) imp.getStack().getPixels(z)) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
        if (range[0] >= 0 && range[1] <= 1) {
            IndexColorModel fire = LutLoader.getLut("fire");
            if (fire != null) {
                imp.getProcessor().setColorModel(fire);
                if (imp.getStackSize() > 1) {
                    imp.getStack().setColorModel(fire);
                }
            }
            imp.setDisplayRange(0, 1);
        }
        return imp;
    }

    /**
     * Applies the lookup table an output asks for through its {@code lut} attribute: {@code lesion-classes}
     * ({@link org.infnet.command.SegmentGgoConsolidation#LESION_LUT}) gives 8-bit label images the class
     * colours of {@link LesionClasses#lut()} on the full 0..255 range; other values (and null) change nothing.
     */
    static void applyLut(ImagePlus imp, String lut) {
        if (!org.infnet.command.SegmentGgoConsolidation.LESION_LUT.equals(lut) || imp.getBitDepth() != 8) {
            return;
        }
        byte[][] t = LesionClasses.lut();
        IndexColorModel cm = new IndexColorModel(8, 256, t[0], t[1], t[2]);
        imp.getProcessor().setColorModel(cm);
        if (imp.getStackSize() > 1) {
            imp.getStack().setColorModel(cm);
        }
        imp.setDisplayRange(0, 255);
    }
}
