package org.infnet.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infnet.io.Calibration3D;

/**
 * Seeded, deterministic generator of synthetic axial chest CT slices and volumes in Hounsfield
 * units, with COVID-19-like lesions and exact ground truth.
 *
 * <p>Anatomy (radiological orientation, anterior up, patient's right on the image left): air
 * outside the body (-1000 HU), an elliptical body with subcutaneous fat (~-100 HU) around soft
 * tissue (~40 HU), two lungs (~-860 HU, slightly denser posteriorly, correlated noise) indented
 * by the heart, branching vessels and vessel cross-sections (~40 HU) inside the lungs, trachea
 * (air), sternum, ribs and vertebra (cortical bone ~+700 HU). Lesions lie inside the lungs,
 * mostly peripheral: ground-glass opacities (GGO, core -500..-300 HU, soft irregular margins,
 * vessels remain visible through them) and consolidations (-50..+50 HU, sharper margins,
 * optionally surrounded by a GGO halo).
 *
 * <p>Ground truth: a pixel belongs to a lesion where the lesion's smooth membership is
 * {@code >= 0.5} and the pixel is in the lung mask, so {@code infection ⊆ lung} always holds.
 * Consolidation takes precedence over GGO in the multi-class label.
 *
 * <p>Determinism: the same seed and parameters always give identical arrays (only
 * {@link java.util.Random} and {@link StrictMath} are used). Instances are immutable and
 * thread-safe; each call starts from the seed.
 */
public final class PhantomGenerator {

    /** Image orientation of the rendered slices. */
    public enum Orientation {
        /** Standard radiological display: anterior up, spine at the bottom. */
        ANTERIOR_UP,
        /**
         * Rotated 90 degrees clockwise: spine on the left, lungs top and bottom - the orientation
         * of many COVID-SemiSeg training JPEGs.
         */
        SPINE_LEFT
    }

    /**
     * Parameters of a single slice.
     *
     * @param size                  width = height in pixels (&gt;= 32)
     * @param lesionCount           number of lesions (&gt;= 0)
     * @param consolidationFraction probability that a lesion is a consolidation, in [0,1]
     * @param noiseHu               standard deviation of the correlated image noise in HU (&gt;= 0)
     * @param pixelSpacingMm        in-plane pixel size in mm for the whole image width scaled to
     *                              {@code size} (used by volumes; &gt; 0)
     * @param orientation           image orientation
     */
    public record Params(int size, int lesionCount, double consolidationFraction, double noiseHu,
            double pixelSpacingMm, Orientation orientation) {

        /** Validates ranges. */
        public Params {
            if (size < 32) {
                throw new IllegalArgumentException("size must be >= 32, was " + size);
            }
            if (lesionCount < 0) {
                throw new IllegalArgumentException("lesionCount must be >= 0");
            }
            if (!(consolidationFraction >= 0 && consolidationFraction <= 1)) {
                throw new IllegalArgumentException("consolidationFraction must be in [0,1]");
            }
            if (!(noiseHu >= 0) || !(pixelSpacingMm > 0)) {
                throw new IllegalArgumentException("noiseHu must be >= 0 and pixelSpacingMm > 0");
            }
            if (orientation == null) {
                throw new IllegalArgumentException("orientation must not be null");
            }
        }

        /** 512 px, 4 lesions, 30% consolidations, 18 HU noise, 0.7 mm pixels, anterior up. */
        public static Params defaults() {
            return new Params(512, 4, 0.3, 18, 0.7, Orientation.ANTERIOR_UP);
        }

        /** Copy with another size; pixel spacing scaled so the field of view stays the same. */
        public Params withSize(int newSize) {
            return new Params(newSize, lesionCount, consolidationFraction, noiseHu, pixelSpacingMm * size / newSize, orientation);
        }

        /** Copy with another lesion count. */
        public Params withLesionCount(int n) {
            return new Params(size, n, consolidationFraction, noiseHu, pixelSpacingMm, orientation);
        }

        /** Copy with another consolidation fraction. */
        public Params withConsolidationFraction(double f) {
            return new Params(size, lesionCount, f, noiseHu, pixelSpacingMm, orientation);
        }

        /** Copy with another noise level. */
        public Params withNoiseHu(double sigma) {
            return new Params(size, lesionCount, consolidationFraction, sigma, pixelSpacingMm, orientation);
        }

        /** Copy with another orientation. */
        public Params withOrientation(Orientation o) {
            return new Params(size, lesionCount, consolidationFraction, noiseHu, pixelSpacingMm, o);
        }
    }

    private final long seed;

    /** Creates a generator; all output is a pure function of {@code seed} and the parameters. */
    public PhantomGenerator(long seed) {
        this.seed = seed;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** Generates one slice. */
    public PhantomSlice slice(Params p) {
        Random rnd = new Random(seed);
        Anatomy anatomy = Anatomy.create(rnd, p.size());
        List<Lesion> lesions = placeLesions(rnd, anatomy, p, 1, 0.0);
        return render(anatomy, lesions, p, 0.0, 0.5, rnd);
    }

    /**
     * Generates a volume of {@code depth} slices of {@code p.size()} squared pixels, voxel size
     * {@code p.pixelSpacingMm()} x {@code p.pixelSpacingMm()} x {@code sliceThicknessMm}. The
     * lungs taper towards both ends; each lesion is a union of 3D Gaussian lobes, so its cross
     * section varies smoothly from slice to slice. {@code p.lesionCount()} lesions are placed in
     * the whole volume. The returned volume knows its true infected volume.
     */
    public PhantomVolume volume(Params p, int depth, double sliceThicknessMm) {
        if (depth < 1 || !(sliceThicknessMm > 0)) {
            throw new IllegalArgumentException("depth must be >= 1 and sliceThicknessMm > 0");
        }
        Random rnd = new Random(seed);
        Anatomy anatomy = Anatomy.create(rnd, p.size());
        double zRatio = p.pixelSpacingMm() / sliceThicknessMm; // slices per pixel length
        List<Lesion> lesions = placeLesions(rnd, anatomy, p, depth, zRatio);
        int n = p.size() * p.size();
        float[] hu = new float[n * depth];
        byte[] inf = new byte[n * depth], cls = new byte[n * depth], lung = new byte[n * depth];
        for (int z = 0; z < depth; z++) {
            double zNorm = depth == 1 ? 0.5 : (z + 0.5) / depth;
            PhantomSlice s = render(anatomy, lesions, p, z, zNorm, new Random(seed * 31 + z));
            System.arraycopy(s.hu(), 0, hu, z * n, n);
            System.arraycopy(s.infection(), 0, inf, z * n, n);
            System.arraycopy(s.classes(), 0, cls, z * n, n);
            System.arraycopy(s.lung(), 0, lung, z * n, n);
        }
        return new PhantomVolume(p.size(), p.size(), depth,
                new Calibration3D(p.pixelSpacingMm(), p.pixelSpacingMm(), sliceThicknessMm, "mm"), hu, inf, cls, lung);
    }

    // ------------------------------------------------------------------ anatomy

    /** Fixed anatomy in normalised coordinates (0..1 across the image). */
    private record Anatomy(int size, long noiseSeed, double bodyCx, double bodyCy, double bodyA, double bodyB,
            double[] lungCx, double[] lungCy, double[] lungA, double[] lungB,
            double heartCx, double heartCy, double heartA, double heartB, List<Capsule> vessels) {

        static Anatomy create(Random r, int size) {
            double j = 0.01;
            double bodyA = 0.40 + j * r.nextGaussian() * 0.5, bodyB = 0.29 + j * r.nextGaussian() * 0.5;
            double[] lcx = {0.315 + j * r.nextGaussian() * 0.3, 0.685 + j * r.nextGaussian() * 0.3};
            double[] lcy = {0.515, 0.515};
            double[] la = {0.145, 0.135};
            double[] lb = {0.205 + j * r.nextGaussian() * 0.5, 0.20 + j * r.nextGaussian() * 0.5};
            long ns = r.nextLong();
            List<Capsule> vessels = new ArrayList<>();
            // vessel trees from both hila
            double[][] hila = {{0.425, 0.50}, {0.585, 0.48}};
            for (int side = 0; side < 2; side++) {
                int trunks = 6;
                for (int t = 0; t < trunks; t++) {
                    double base = side == 0 ? Math.PI : 0.0;
                    double ang = base + (t - (trunks - 1) / 2.0) * 0.5 + r.nextGaussian() * 0.15;
                    grow(vessels, r, hila[side][0], hila[side][1], ang, 0.05 + 0.02 * r.nextDouble(), 0.0045, 5);
                }
            }
            // cross-sectional vessel dots
            for (int side = 0; side < 2; side++) {
                for (int k = 0; k < 70; k++) {
                    double t = r.nextDouble() * 2 * Math.PI, rr = Math.sqrt(r.nextDouble()) * 0.9;
                    double x = lcx[side] + rr * la[side] * StrictMath.cos(t), y = lcy[side] + rr * lb[side] * StrictMath.sin(t);
                    double rad = 0.0012 + r.nextDouble() * 0.0035 * (1.1 - rr);
                    vessels.add(new Capsule(x, y, x, y, rad));
                }
            }
            return new Anatomy(size, ns, 0.5, 0.53, bodyA, bodyB, lcx, lcy, la, lb, 0.555, 0.565, 0.115, 0.095, vessels);
        }

        private static void grow(List<Capsule> out, Random r, double x, double y, double ang, double len, double rad, int depth) {
            if (depth == 0 || rad < 0.0012) {
                return;
            }
            // two slightly bent sub-segments per branch
            double xm = x + 0.5 * len * StrictMath.cos(ang), ym = y + 0.5 * len * StrictMath.sin(ang);
            double ang2 = ang + r.nextGaussian() * 0.25;
            double x2 = xm + 0.5 * len * StrictMath.cos(ang2), y2 = ym + 0.5 * len * StrictMath.sin(ang2);
            out.add(new Capsule(x, y, xm, ym, rad));
            out.add(new Capsule(xm, ym, x2, y2, rad * 0.9));
            for (int k = 0; k < 2; k++) {
                if (depth < 4 && r.nextDouble() < 0.2) {
                    continue; // some branches leave the slice
                }
                double a = ang2 + (k == 0 ? -1 : 1) * (0.25 + 0.45 * r.nextDouble());
                grow(out, r, x2, y2, a, len * (0.6 + 0.3 * r.nextDouble()), rad * (0.62 + 0.12 * r.nextDouble()), depth - 1);
            }
        }

        /** Lung scale along z (1 in the middle, tapering to ~0.55 at the ends). */
        static double lungScale(double zNorm) {
            return 0.55 + 0.45 * StrictMath.sin(Math.PI * Math.min(1, Math.max(0, zNorm)));
        }

        /** Which lung (0,1) contains the normalised point, or -1. */
        int lungAt(double u, double v, double zNorm) {
            double s = lungScale(zNorm);
            double hx = (u - heartCx) / heartA, hy = (v - heartCy) / heartB;
            if (hx * hx + hy * hy < 1.0) {
                return -1;
            }
            for (int k = 0; k < 2; k++) {
                double dx = (u - lungCx[k]) / (lungA[k] * s), dy = (v - lungCy[k]) / (lungB[k] * s);
                // flatten the anterior-medial corner a little, rounder posteriorly
                double r2 = dx * dx + dy * dy + (dy < 0 ? 0.12 * dy * dy * Math.abs(dx) : 0);
                double wobble = 0.07 * (Noise.value3(u * 9, v * 9, zNorm * 2, noiseSeed + k) - 0.5);
                if (r2 < 1.0 + wobble) {
                    return k;
                }
            }
            return -1;
        }
    }

    /** A line segment with round caps, in normalised coordinates. */
    private record Capsule(double x1, double y1, double x2, double y2, double r) {
    }

    // ------------------------------------------------------------------ lesions

    /** A lobe of a lesion: Gaussian blob centred at (x,y,z) in pixels / slices. */
    private record Lobe(double x, double y, double z, double sigma, double sigmaZ, double weight) {
    }

    /** A lesion: lobes, class, core HU and margin softness. */
    private record Lesion(byte cls, double hu, double t0, double t1, List<Lobe> lobes, long noiseSeed) {
    }

    private static List<Lesion> placeLesions(Random r, Anatomy a, Params p, int depth, double zRatio) {
        List<Lesion> out = new ArrayList<>();
        int s = p.size();
        for (int i = 0; i < p.lesionCount(); i++) {
            boolean cons = r.nextDouble() < p.consolidationFraction();
            double cz = depth == 1 ? 0 : depth * (0.2 + 0.6 * r.nextDouble());
            double zNorm = depth == 1 ? 0.5 : (cz + 0.5) / depth;
            double cx = 0, cy = 0;
            for (int attempt = 0; attempt < 200; attempt++) {
                int k = r.nextInt(2);
                double t = r.nextDouble() * 2 * Math.PI;
                double rr = 0.55 + 0.35 * r.nextDouble(); // peripheral bias
                double sc = Anatomy.lungScale(zNorm);
                double u = a.lungCx()[k] + rr * a.lungA()[k] * sc * StrictMath.cos(t);
                double v = a.lungCy()[k] + rr * a.lungB()[k] * sc * StrictMath.sin(t);
                cx = u * s;
                cy = v * s;
                if (a.lungAt(u, v, zNorm) >= 0) {
                    break;
                }
            }
            double sigma = s * (cons ? 0.012 + 0.016 * r.nextDouble() : 0.014 + 0.026 * r.nextDouble());
            List<Lobe> lobes = new ArrayList<>();
            int nl = 2 + r.nextInt(4);
            for (int l = 0; l < nl; l++) {
                double ox = l == 0 ? 0 : r.nextGaussian() * sigma * 0.9, oy = l == 0 ? 0 : r.nextGaussian() * sigma * 0.9;
                double sg = sigma * (l == 0 ? 1 : 0.5 + 0.4 * r.nextDouble());
                double sz = Math.max(0.6, sg * zRatio * (0.8 + 0.6 * r.nextDouble()));
                double oz = depth == 1 ? 0 : r.nextGaussian() * sz * 0.5;
                lobes.add(new Lobe(cx + ox, cy + oy, cz + oz, sg, sz, l == 0 ? 1 : 0.6 + 0.4 * r.nextDouble()));
            }
            long ns = r.nextLong();
            if (cons) {
                double hu = -50 + 100 * r.nextDouble();
                out.add(new Lesion(PhantomSlice.CONSOLIDATION, hu, 0.42, 0.58, lobes, ns));
                if (r.nextDouble() < 0.5) { // GGO halo
                    List<Lobe> halo = new ArrayList<>();
                    for (Lobe lb : lobes) {
                        halo.add(new Lobe(lb.x(), lb.y(), lb.z(), lb.sigma() * 1.45, lb.sigmaZ() * 1.3, lb.weight()));
                    }
                    out.add(new Lesion(PhantomSlice.GGO, -420 + 60 * r.nextDouble(), 0.2, 0.75, halo, ns + 1));
                }
            } else {
                double hu = -500 + 200 * r.nextDouble();
                out.add(new Lesion(PhantomSlice.GGO, hu, 0.2, 0.75, lobes, ns));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ rendering

    private static PhantomSlice render(Anatomy a, List<Lesion> lesions, Params p, double z, double zNorm, Random rnd) {
        int s = p.size(), n = s * s;
        float[] hu = new float[n];
        byte[] lung = new byte[n];
        double inv = 1.0 / s;
        long ns = a.noiseSeed();
        double lungLevel = Anatomy.lungScale(zNorm);
        for (int y = 0; y < s; y++) {
            double v = (y + 0.5) * inv;
            for (int x = 0; x < s; x++) {
                double u = (x + 0.5) * inv;
                int i = y * s + x;
                double bx = (u - a.bodyCx()) / a.bodyA(), by = (v - a.bodyCy()) / a.bodyB();
                double rb = StrictMath.sqrt(bx * bx + by * by) * (1 + 0.015 * (Noise.value3(u * 5, v * 5, zNorm, ns + 7) - 0.5));
                double val;
                if (rb >= 1.0) {
                    val = -1000; // air
                } else if (rb > 0.90) {
                    val = -100 + 15 * (Noise.value3(u * 40, v * 40, zNorm * 3, ns + 8) - 0.5); // subcutaneous fat
                } else if (rb > 0.84) {
                    val = 50; // chest wall muscle
                } else {
                    val = 40; // mediastinum / soft tissue
                }
                int k = rb < 0.84 ? a.lungAt(u, v, zNorm) : -1;
                if (k >= 0) {
                    lung[i] = 1;
                    double dens = -870 + 45 * (v - a.lungCy()[k]) / a.lungB()[k]; // dependent density
                    dens += 30 * (Noise.value3(u * 60, v * 60, zNorm * 5, ns + 9) - 0.5);
                    val = dens;
                }
                hu[i] = (float) val;
            }
        }
        // bones and airways (outside the lungs)
        double sc = lungLevel;
        disk(hu, lung, s, 0.5, 0.405, 0.024 * Math.max(0.7, sc), -1000f, 25f);             // trachea with wall
        ring(hu, lung, s, 0.5, 0.80, 0.055, 0.012, 700f, 250f);                           // vertebral body
        disk(hu, lung, s, 0.5, 0.875, 0.022, 20f, 0f);                                      // spinal canal
        ellipse(hu, lung, s, 0.5, 0.93, 0.012, 0.035, 650f);                                 // spinous process
        ellipse(hu, lung, s, 0.5, 0.255, 0.035, 0.011, 550f);                                // sternum
        for (int side = -1; side <= 1; side += 2) {
            ellipse(hu, lung, s, 0.5 + side * 0.07, 0.82, 0.03, 0.012, 650f);                // transverse processes
            for (int rI = 0; rI < 6; rI++) {                                                 // ribs
                double t = Math.toRadians(-62 + rI * 26 + (side > 0 ? 0 : 0));
                double bx = 0.5 + side * 0.865 * a.bodyA() * StrictMath.cos(t);
                double by = a.bodyCy() + 0.865 * a.bodyB() * StrictMath.sin(t);
                ring(hu, lung, s, bx, by, 0.016, 0.005, 700f, 300f);
            }
        }
        // vessels (inside lungs only)
        float[] vf = new float[n];
        for (Capsule c : a.vessels()) {
            capsule(vf, s, c.x1() * s, c.y1() * s, c.x2() * s, c.y2() * s, Math.max(0.7, c.r() * s));
        }
        for (int i = 0; i < n; i++) {
            if (lung[i] != 0 && vf[i] > 0) {
                hu[i] = hu[i] * (1 - vf[i]) + 40f * vf[i];
            }
        }
        // lesions
        float[] bestF = new float[n];
        byte[] cls = new byte[n];
        byte[] inf = new byte[n];
        for (Lesion l : lesions) {
            float[] f = membership(l, s, z);
            for (int i = 0; i < n; i++) {
                if (lung[i] == 0 || f[i] <= 0) {
                    continue;
                }
                float m = f[i];
                float base = hu[i];
                double tex = 40 * (Noise.value3((i % s) * 0.15, (i / s) * 0.15, z * 0.15, l.noiseSeed()) - 0.5);
                float target = (float) (l.hu() + tex);
                if (l.cls() == PhantomSlice.GGO) {
                    target = Math.max(base, target); // vessels stay visible through GGO
                }
                hu[i] = base + m * (target - base);
                if (m >= 0.5f) {
                    inf[i] = 1;
                    if (l.cls() == PhantomSlice.CONSOLIDATION || cls[i] == 0) {
                        cls[i] = cls[i] == PhantomSlice.CONSOLIDATION ? cls[i] : l.cls();
                    }
                }
                bestF[i] = Math.max(bestF[i], m);
            }
        }
        // partial volume blur, then correlated noise
        float[] out = binomialBlur(hu, s, s);
        if (p.noiseHu() > 0) {
            float[] noise = new float[n];
            for (int i = 0; i < n; i++) {
                noise[i] = (float) rnd.nextGaussian();
            }
            noise = binomialBlur(noise, s, s); // std shrinks by 0.375 per 2D binomial pass
            float k = (float) (p.noiseHu() / 0.375);
            for (int i = 0; i < n; i++) {
                out[i] += k * noise[i];
            }
        }
        if (p.orientation() == Orientation.SPINE_LEFT) {
            out = rotateCw(out, s);
            inf = rotateCw(inf, s);
            cls = rotateCw(cls, s);
            lung = rotateCw(lung, s);
        }
        return new PhantomSlice(s, s, out, inf, cls, lung);
    }

    /** Smooth membership in [0,1] of a lesion on slice z. */
    private static float[] membership(Lesion l, int s, double z) {
        float[] field = new float[s * s];
        for (Lobe b : l.lobes()) {
            double dz = z - b.z();
            double wz = b.weight() * StrictMath.exp(-dz * dz / (2 * b.sigmaZ() * b.sigmaZ()));
            if (wz < 1e-3) {
                continue;
            }
            double rad = 3.2 * b.sigma();
            int x0 = Math.max(0, (int) (b.x() - rad)), x1 = Math.min(s - 1, (int) (b.x() + rad) + 1);
            int y0 = Math.max(0, (int) (b.y() - rad)), y1 = Math.min(s - 1, (int) (b.y() + rad) + 1);
            double k = 1.0 / (2 * b.sigma() * b.sigma());
            for (int y = y0; y <= y1; y++) {
                double dy = y + 0.5 - b.y();
                for (int x = x0; x <= x1; x++) {
                    double dx = x + 0.5 - b.x();
                    field[y * s + x] += (float) (wz * StrictMath.exp(-(dx * dx + dy * dy) * k));
                }
            }
        }
        double scale = 20.0 / s;
        double w = l.t1() - l.t0();
        for (int i = 0; i < field.length; i++) {
            float f = field[i];
            if (f <= 0.02f) {
                field[i] = 0;
                continue;
            }
            int x = i % s, y = i / s;
            double nse = Noise.value3(x * scale * 1.7, y * scale * 1.7, z * scale, l.noiseSeed()) - 0.5
                    + 0.5 * (Noise.value3(x * scale * 4.1, y * scale * 4.1, z * scale * 2, l.noiseSeed() + 1) - 0.5);
            double g = f * (1 + 0.9 * nse);
            double t = (g - l.t0()) / w;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            field[i] = (float) (t * t * (3 - 2 * t));
        }
        return field;
    }

    private static void disk(float[] hu, byte[] lung, int s, double cx, double cy, double r, float inner, float wall) {
        double R = r * s, W = wall != 0 ? Math.max(1.2, 0.12 * R) : 0;
        fill(hu, lung, s, cx * s, cy * s, R + W, (dx, dy) -> {
            double d = Math.sqrt(dx * dx + dy * dy);
            return d <= R ? inner : (d <= R + W ? wall : Float.NaN);
        });
    }

    private static void ring(float[] hu, byte[] lung, int s, double cx, double cy, double r, double cortex, float cortical, float marrow) {
        double R = r * s, C = Math.max(1.0, cortex * s);
        fill(hu, lung, s, cx * s, cy * s, R, (dx, dy) -> {
            double d = Math.sqrt(dx * dx + dy * dy);
            return d <= R - C ? marrow : (d <= R ? cortical : Float.NaN);
        });
    }

    private static void ellipse(float[] hu, byte[] lung, int s, double cx, double cy, double a, double b, float val) {
        double A = a * s, B = b * s;
        fill(hu, lung, s, cx * s, cy * s, Math.max(A, B), (dx, dy) -> (dx * dx) / (A * A) + (dy * dy) / (B * B) <= 1 ? val : Float.NaN);
    }

    private interface Shape {
        float at(double dx, double dy);
    }

    /** Paints non-NaN shape values into non-lung pixels of a bounding square. */
    private static void fill(float[] hu, byte[] lung, int s, double cx, double cy, double rad, Shape sh) {
        int x0 = Math.max(0, (int) (cx - rad - 1)), x1 = Math.min(s - 1, (int) (cx + rad + 1));
        int y0 = Math.max(0, (int) (cy - rad - 1)), y1 = Math.min(s - 1, (int) (cy + rad + 1));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int i = y * s + x;
                if (lung[i] != 0) {
                    continue;
                }
                float v = sh.at(x + 0.5 - cx, y + 0.5 - cy);
                if (!Float.isNaN(v)) {
                    hu[i] = v;
                }
            }
        }
    }

    /** Adds a capsule with a soft (1 px) profile to a vessel fraction map (max-combined). */
    private static void capsule(float[] vf, int s, double x1, double y1, double x2, double y2, double r) {
        int xa = Math.max(0, (int) (Math.min(x1, x2) - r - 2)), xb = Math.min(s - 1, (int) (Math.max(x1, x2) + r + 2));
        int ya = Math.max(0, (int) (Math.min(y1, y2) - r - 2)), yb = Math.min(s - 1, (int) (Math.max(y1, y2) + r + 2));
        double vx = x2 - x1, vy = y2 - y1, len2 = vx * vx + vy * vy;
        for (int y = ya; y <= yb; y++) {
            for (int x = xa; x <= xb; x++) {
                double px = x + 0.5 - x1, py = y + 0.5 - y1;
                double t = len2 > 0 ? Math.max(0, Math.min(1, (px * vx + py * vy) / len2)) : 0;
                double dx = px - t * vx, dy = py - t * vy;
                double d = Math.sqrt(dx * dx + dy * dy);
                double f = Math.max(0, Math.min(1, r + 0.5 - d));
                int i = y * s + x;
                if (f > vf[i]) {
                    vf[i] = (float) f;
                }
            }
        }
    }

    /** 3x3 binomial ([1 2 1]/4 separable) blur with edge clamping. */
    static float[] binomialBlur(float[] in, int w, int h) {
        float[] tmp = new float[in.length], out = new float[in.length];
        for (int y = 0; y < h; y++) {
            int r = y * w;
            for (int x = 0; x < w; x++) {
                float l = in[r + Math.max(0, x - 1)], c = in[r + x], rr = in[r + Math.min(w - 1, x + 1)];
                tmp[r + x] = 0.25f * l + 0.5f * c + 0.25f * rr;
            }
        }
        for (int y = 0; y < h; y++) {
            int u = Math.max(0, y - 1) * w, c = y * w, d = Math.min(h - 1, y + 1) * w;
            for (int x = 0; x < w; x++) {
                out[c + x] = 0.25f * tmp[u + x] + 0.5f * tmp[c + x] + 0.25f * tmp[d + x];
            }
        }
        return out;
    }

    private static float[] rotateCw(float[] a, int s) {
        float[] o = new float[a.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                o[x * s + (s - 1 - y)] = a[y * s + x];
            }
        }
        return o;
    }

    private static byte[] rotateCw(byte[] a, int s) {
        byte[] o = new byte[a.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                o[x * s + (s - 1 - y)] = a[y * s + x];
            }
        }
        return o;
    }

    /** Deterministic 3D value noise in [0,1) (hashed lattice, smoothstep-trilinear). */
    static final class Noise {
        private Noise() {
        }

        static double value3(double x, double y, double z, long seed) {
            int xi = (int) Math.floor(x), yi = (int) Math.floor(y), zi = (int) Math.floor(z);
            double fx = x - xi, fy = y - yi, fz = z - zi;
            double sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy), sz = fz * fz * (3 - 2 * fz);
            double c000 = h(xi, yi, zi, seed), c100 = h(xi + 1, yi, zi, seed);
            double c010 = h(xi, yi + 1, zi, seed), c110 = h(xi + 1, yi + 1, zi, seed);
            double c001 = h(xi, yi, zi + 1, seed), c101 = h(xi + 1, yi, zi + 1, seed);
            double c011 = h(xi, yi + 1, zi + 1, seed), c111 = h(xi + 1, yi + 1, zi + 1, seed);
            double x00 = c000 + sx * (c100 - c000), x10 = c010 + sx * (c110 - c010);
            double x01 = c001 + sx * (c101 - c001), x11 = c011 + sx * (c111 - c011);
            double y0 = x00 + sy * (x10 - x00), y1 = x01 + sy * (x11 - x01);
            return y0 + sz * (y1 - y0);
        }

        private static double h(int x, int y, int z, long seed) {
            long v = seed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL) ^ (z * 0x165667B19E3779F9L);
            v ^= v >>> 33;
            v *= 0xff51afd7ed558ccdL;
            v ^= v >>> 33;
            v *= 0xc4ceb9fe1a85ec53L;
            v ^= v >>> 33;
            return (v >>> 11) * 0x1.0p-53;
        }
    }
}
