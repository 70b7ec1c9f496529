package org.infnet.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infnet.image.Calibration3D;

/**
 * Seeded, deterministic generator of synthetic axial chest CT slices and volumes in Hounsfield
 * units, with COVID-19-like lesions and exact ground truth.
 *
 * <p>Anatomy (rendered in radiological orientation: anterior up, patient's right on the image
 * left): air outside the body (-1000 HU); skin, subcutaneous fat (~-100 HU) and chest-wall
 * muscle (~45 HU); ribs cut obliquely along the pleura, sternum, vertebra with spinal canal and
 * posterior elements, scapulae (bone, +250..+700 HU); a mediastinum of fat (~-90 HU) holding the
 * heart with pericardial fat, the descending aorta, the oesophagus and the main bronchi (air with
 * walls); two lungs filling the rest of the thoracic cavity (parenchyma about -880 HU, denser
 * posteriorly, with low-frequency texture). Pulmonary vessels are 3D branching trees grown from
 * both hila, thinning at each generation, cut by the slice plane (so they show as dots, ovals and
 * short branches that thin towards the periphery); the first generations carry a bronchus (air
 * lumen with a soft-tissue wall) beside the artery.
 *
 * <p>Lesions, as in COVID-19 pneumonia: lesion sites are drawn preferentially near the pleura and
 * posteriorly (and, in volumes, basally); each lesion is a union of anisotropic 3D Gaussian lobes
 * spread along the pleura and weighted towards it, with a noisy margin. Ground-glass opacities
 * (GGO, -700..-400 HU, inhomogeneous haze that adds to the parenchyma so vessels stay visible),
 * some with crazy paving (a polygonal network of thickened interlobular septa over the haze);
 * consolidations (-100..+50 HU, vessels hidden) with air bronchograms and often a GGO halo.
 *
 * <p>Imaging: partial-volume blur (3x3 binomial) and spatially correlated Gaussian noise.
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
         * of many COVID-SemiSeg pseudo-label JPEGs.
         */
        SPINE_LEFT,
        /**
         * Transposed (rows and columns swapped): anterior on the left, spine on the right, the
         * patient's left lung at the bottom - the layout of the COVID-SemiSeg doctor-labelled JPEGs.
         */
        SPINE_RIGHT
    }

    /**
     * Parameters of a single slice.
     *
     * @param size                  width = height in pixels (&gt;= 32)
     * @param lesionCount           number of lesions (&gt;= 0)
     * @param consolidationFraction probability that a lesion is a consolidation, in [0,1]
     * @param noiseHu               standard deviation of the correlated image noise in HU (&gt;= 0)
     * @param pixelSpacingMm        in-plane pixel size in mm for the whole image width scaled to
     *                              {@code size} (&gt; 0); the anatomy always fills the same field of
     *                              view in pixels, so this only sets the physical scale (volumes, z)
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

        /** 512 px, 4 lesions, 30% consolidations, 18 HU noise, 0.7 mm pixels (358 mm field of view), anterior up. */
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

        /** Field of view (image width) in mm. */
        double fovMm() {
            return size * pixelSpacingMm;
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

    /** Generates one slice (through the hila, mid-lung level). */
    public PhantomSlice slice(Params p) {
        Random rnd = new Random(seed);
        Anatomy anatomy = Anatomy.create(rnd);
        List<Lesion> lesions = placeLesions(rnd, anatomy, p, 1, 1.0);
        return render(anatomy, lesions, p, 0.0, 0.5, 0.0, rnd);
    }

    /**
     * Generates a volume of {@code depth} slices of {@code p.size()} squared pixels, voxel size
     * {@code p.pixelSpacingMm()} x {@code p.pixelSpacingMm()} x {@code sliceThicknessMm}, slice index from
     * inferior to superior. The lungs taper towards both ends and the heart shrinks upwards; vessels are
     * cut from the same 3D trees on every slice; each lesion is a union of 3D Gaussian lobes, so its cross
     * section varies smoothly from slice to slice. {@code p.lesionCount()} lesions are placed in the whole
     * volume, preferentially in its lower (basal) part. The returned volume knows its true infected volume.
     */
    public PhantomVolume volume(Params p, int depth, double sliceThicknessMm) {
        if (depth < 1 || !(sliceThicknessMm > 0)) {
            throw new IllegalArgumentException("depth must be >= 1 and sliceThicknessMm > 0");
        }
        Random rnd = new Random(seed);
        Anatomy anatomy = Anatomy.create(rnd);
        List<Lesion> lesions = placeLesions(rnd, anatomy, p, depth, sliceThicknessMm);
        int n = p.size() * p.size();
        float[] hu = new float[n * depth];
        byte[] inf = new byte[n * depth], cls = new byte[n * depth], lung = new byte[n * depth];
        for (int z = 0; z < depth; z++) {
            double zNorm = depth == 1 ? 0.5 : (z + 0.5) / depth;
            double zUnits = (z - (depth - 1) / 2.0) * sliceThicknessMm / p.fovMm();
            PhantomSlice s = render(anatomy, lesions, p, z, zNorm, zUnits, new Random(seed * 31 + z));
            System.arraycopy(s.hu(), 0, hu, z * n, n);
            System.arraycopy(s.infection(), 0, inf, z * n, n);
            System.arraycopy(s.classes(), 0, cls, z * n, n);
            System.arraycopy(s.lung(), 0, lung, z * n, n);
        }
        return new PhantomVolume(p.size(), p.size(), depth,
                new Calibration3D(p.pixelSpacingMm(), p.pixelSpacingMm(), sliceThicknessMm, "mm"), hu, inf, cls, lung);
    }

    // ------------------------------------------------------------------ anatomy

    /** Healthy parenchyma level (HU) that lesions add their density to. */
    private static final double PARENCHYMA_HU = -890;

    /**
     * A 3D tube segment in normalised units (1 = image width): a vessel ({@code wall == 0}, radius
     * {@code r}) or a bronchus (air lumen of radius {@code r} inside a wall of thickness {@code wall}).
     */
    private record Tube(double ax, double ay, double az, double bx, double by, double bz, double r, double wall) {
    }

    /** Fixed anatomy in normalised coordinates (0..1 across the image; z in the same unit, 0 at the hila). */
    private record Anatomy(long noiseSeed, double bodyCx, double bodyCy, double bodyA, double bodyB,
            double cavCx, double cavCy, double cavA, double cavB,
            double heartCx, double heartCy, double heartA, double heartB, double heartAngle,
            List<Tube> vessels, List<Tube> bronchi) {

        static Anatomy create(Random r) {
            double j = 0.006;
            double bodyA = 0.43 + j * r.nextGaussian(), bodyB = 0.345 + j * r.nextGaussian();
            double cavA = 0.36 + j * r.nextGaussian(), cavB = 0.285 + j * r.nextGaussian() * 0.5;
            double hA = 0.155 + j * r.nextGaussian(), hB = 0.115 + j * r.nextGaussian() * 0.5;
            double hAng = Math.toRadians(-32 + 5 * r.nextGaussian());
            long ns = r.nextLong();
            Random tr = new Random(r.nextLong());
            List<Tube> vessels = new ArrayList<>(), bronchi = new ArrayList<>();
            double[][] hila = {{0.43, 0.55}, {0.595, 0.555}};
            for (int side = 0; side < 2; side++) {
                double out = side == 0 ? -1 : 1;
                for (int t = 0; t < 16; t++) {
                    double dx = out * (0.3 + Math.abs(tr.nextGaussian())), dy = 0.9 * tr.nextGaussian(),
                            dz = 0.45 * tr.nextGaussian();
                    double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
                    grow(vessels, bronchi, tr, hila[side][0] + 0.012 * tr.nextGaussian(),
                            hila[side][1] + 0.02 * tr.nextGaussian(), 0.015 * tr.nextGaussian(), dx / len, dy / len,
                            dz / len, 0.075 + 0.02 * tr.nextDouble(), 0.0052 + 0.001 * tr.nextDouble(), 0, out);
                }
            }
            // small vessels running through the slice: dots and short dashes, thinner away from the hila
            for (int k = 0; k < 3000; k++) {
                int side = k % 2;
                double x = side == 0 ? 0.13 + 0.36 * tr.nextDouble() : 0.51 + 0.36 * tr.nextDouble();
                double y = 0.2 + 0.6 * tr.nextDouble(), z = 0.5 * (tr.nextDouble() - 0.5);
                double hd = Math.hypot(x - hila[side][0], y - hila[side][1]);
                double rad = (0.0008 + 0.0016 * Math.max(0, 1 - hd / 0.3)) * (0.7 + 0.6 * tr.nextDouble());
                double dx = 0.5 * tr.nextGaussian(), dy = 0.5 * tr.nextGaussian(), len = 0.016;
                double n = Math.sqrt(dx * dx + dy * dy + 1);
                vessels.add(new Tube(x, y, z, x + len * dx / n, y + len * dy / n, z + len / n, rad, 0));
            }
            return new Anatomy(ns, 0.5, 0.5, bodyA, bodyB, 0.5, 0.505, cavA, cavB, 0.535, 0.49, hA, hB, hAng,
                    List.copyOf(vessels), List.copyOf(bronchi));
        }

        /** Grows a branch (two slightly bent sub-segments) and recurses into two children. */
        private static void grow(List<Tube> vessels, List<Tube> bronchi, Random r, double x, double y, double z,
                double dx, double dy, double dz, double len, double rad, int gen, double out) {
            if (rad < 0.0008 || gen > 10 || Math.abs(z) > 0.45) {
                return;
            }
            if (dx * out < -0.2) { // keep away from the mediastinum
                dx = -dx;
            }
            double xm = x + 0.5 * len * dx, ym = y + 0.5 * len * dy, zm = z + 0.5 * len * dz;
            double[] d2 = turn(r, dx, dy, dz, 0.15);
            double x2 = xm + 0.5 * len * d2[0], y2 = ym + 0.5 * len * d2[1], z2 = zm + 0.5 * len * d2[2];
            vessels.add(new Tube(x, y, z, xm, ym, zm, rad, 0));
            vessels.add(new Tube(xm, ym, zm, x2, y2, z2, rad * 0.95, 0));
            if (gen == 0) { // the bronchus beside the artery
                double[] o = perpendicular(dx, dy, dz);
                double off = rad * 2.1 + 0.002;
                double lumen = rad * 0.7, wall = 0.0008 + 0.2 * rad;
                bronchi.add(new Tube(x + off * o[0], y + off * o[1], z + off * o[2], x2 + off * o[0], y2 + off * o[1],
                        z2 + off * o[2], lumen, wall));
            }
            double spread = 0.35 + 0.35 * r.nextDouble();
            for (int k = 0; k < 2; k++) {
                double[] c = turn(r, d2[0], d2[1], d2[2], k == 0 ? spread : 0.45 + 0.3 * r.nextDouble());
                grow(vessels, bronchi, r, x2, y2, z2, c[0], c[1], c[2], len * (0.78 + 0.12 * r.nextDouble()),
                        rad * (k == 0 ? 0.84 : 0.70) * (0.95 + 0.1 * r.nextDouble()), gen + 1, out);
            }
        }

        /** The unit direction (dx,dy,dz) turned by {@code angle} radians towards a random perpendicular. */
        private static double[] turn(Random r, double dx, double dy, double dz, double angle) {
            double[] p = perpendicular(dx, dy, dz);
            double[] q = {dy * p[2] - dz * p[1], dz * p[0] - dx * p[2], dx * p[1] - dy * p[0]};
            double phi = r.nextDouble() * 2 * Math.PI, a = angle * (0.7 + 0.6 * r.nextDouble());
            double c = StrictMath.cos(a), s = StrictMath.sin(a), cp = StrictMath.cos(phi), sp = StrictMath.sin(phi);
            double nx = c * dx + s * (cp * p[0] + sp * q[0]), ny = c * dy + s * (cp * p[1] + sp * q[1]),
                    nz = c * dz + s * (cp * p[2] + sp * q[2]);
            double l = Math.sqrt(nx * nx + ny * ny + nz * nz);
            return new double[] {nx / l, ny / l, nz / l};
        }

        /** A unit vector perpendicular to (dx,dy,dz). */
        private static double[] perpendicular(double dx, double dy, double dz) {
            double ax = Math.abs(dz) < 0.9 ? 0 : 1, az = Math.abs(dz) < 0.9 ? 1 : 0;
            double px = dy * az, py = dz * ax - dx * az, pz = -dy * ax;
            double l = Math.sqrt(px * px + py * py + pz * pz);
            return new double[] {px / l, py / l, pz / l};
        }

        /** Lung taper along z (1 in the middle, ~0.55 at the ends of a volume). */
        static double lungScale(double zNorm) {
            return 0.55 + 0.45 * StrictMath.sin(Math.PI * Math.min(1, Math.max(0, zNorm)));
        }

        /** Heart scale along z: full in the lower half, shrinking towards the apex. */
        static double heartScale(double zNorm) {
            return 0.55 + 0.45 * Math.min(1, Math.max(0, (0.8 - zNorm) / 0.3));
        }

        /** Superellipse radius of the body outline (1 on the skin). */
        double bodyRadius(double u, double v) {
            double bx = Math.abs(u - bodyCx) / bodyA, by = Math.abs(v - bodyCy) / bodyB;
            return StrictMath.pow(StrictMath.pow(bx, 2.3) + StrictMath.pow(by, 2.3), 1 / 2.3);
        }

        /** Superellipse radius of the thoracic cavity (1 on the parietal pleura). */
        double cavityRadius(double u, double v) {
            double cx = Math.abs(u - cavCx) / cavA, cy = (v - cavCy) / cavB;
            cy = Math.abs(cy < 0 ? cy * 1.05 : cy);
            return StrictMath.pow(StrictMath.pow(cx, 2.5) + StrictMath.pow(cy, 2.5), 1 / 2.5);
        }

        /** Heart ellipse radius (1 on the pericardium) at level zNorm. */
        double heartRadius(double u, double v, double zNorm) {
            double hs = heartScale(zNorm);
            double dx = u - heartCx, dy = v - heartCy;
            double c = StrictMath.cos(heartAngle), s = StrictMath.sin(heartAngle);
            double a = (dx * c + dy * s) / (heartA * hs), b = (-dx * s + dy * c) / (heartB * hs);
            return Math.sqrt(a * a + b * b);
        }

        /** True inside the mediastinum (heart, great vessels, oesophagus, spine and the midline between the lungs). */
        boolean mediastinum(double u, double v, double zNorm) {
            if (heartRadius(u, v, zNorm) < 1.0) {
                return true;
            }
            double hy = heartCy;
            if (v < hy && Math.abs(u - 0.505) < 0.012) {
                return true; // anterior mediastinum
            }
            if (v >= hy && v < 0.72 && Math.abs(u - 0.51) < 0.04) {
                return true; // posterior mediastinum (bronchi, oesophagus, aorta root)
            }
            double ax = u - 0.562, ay = v - 0.668;
            if (ax * ax + ay * ay < 0.034 * 0.034) {
                return true; // descending aorta
            }
            double sx = u - 0.5, sy = v - 0.745;
            return sx * sx + sy * sy < 0.06 * 0.06; // vertebra and paravertebral tissue
        }

        /** Which lung (0 = patient's right on the image left, 1 = left) contains the normalised point, or -1. */
        int lungAt(double u, double v, double zNorm) {
            double rc = cavityRadius(u, v);
            double wobble = 0.025 * (Noise.value3(u * 9, v * 9, zNorm * 2, noiseSeed + 3) - 0.5);
            if (rc >= 1.0 + wobble || mediastinum(u, v, zNorm)) {
                return -1;
            }
            int k = u < 0.505 ? 0 : 1;
            double g = 0.6 + 0.8 * (lungScale(zNorm) - 0.55) / 0.45;
            double tx = (u - (k == 0 ? 0.32 : 0.69)) / (0.22 * g), ty = (v - 0.52) / (0.34 * g);
            return tx * tx + ty * ty < 1.0 ? k : -1;
        }

        /**
         * Distance (normalised units, at most {@code max}) from a lung point to the nearest non-lung point along
         * 16 directions, and the unit direction towards it: {distance, nx, ny}.
         */
        double[] pleura(double u, double v, double zNorm, double max) {
            double best = max, nx = 0, ny = 0;
            for (int d = 0; d < 16; d++) {
                double a = d * Math.PI / 8, cx = StrictMath.cos(a), cy = StrictMath.sin(a);
                for (double t = 0.004; t < best; t += 0.004) {
                    if (lungAt(u + t * cx, v + t * cy, zNorm) < 0) {
                        best = t;
                        nx = cx;
                        ny = cy;
                        break;
                    }
                }
            }
            return new double[] {best, nx, ny};
        }
    }

    // ------------------------------------------------------------------ lesions

    /**
     * A lobe of a lesion: anisotropic Gaussian centred at (x,y,z) in pixels / slices, with standard deviations
     * {@code sT} along the unit direction (cos, sin) (along the pleura), {@code sN} across it, {@code sigmaZ}
     * in slices.
     */
    private record Lobe(double x, double y, double z, double sT, double sN, double cos, double sin, double sigmaZ,
            double weight) {
    }

    /** A lesion: lobes, class, core HU, margin softness, crazy paving, air bronchograms (normalised units). */
    private record Lesion(byte cls, double hu, double t0, double t1, List<Lobe> lobes, long noiseSeed, boolean crazy,
            List<Tube> bronchograms) {
    }

    private static List<Lesion> placeLesions(Random r, Anatomy a, Params p, int depth, double sliceMm) {
        List<Lesion> out = new ArrayList<>();
        int s = p.size();
        double zRatio = p.pixelSpacingMm() / sliceMm; // slices per pixel length
        for (int i = 0; i < p.lesionCount(); i++) {
            boolean cons = r.nextDouble() < p.consolidationFraction();
            // basal predominance: slice index runs from inferior to superior
            double cz = depth == 1 ? 0 : depth * (0.12 + 0.7 * StrictMath.pow(r.nextDouble(), 1.5));
            double zNorm = depth == 1 ? 0.5 : (cz + 0.5) / depth;
            double zu = depth == 1 ? 0 : (cz - (depth - 1) / 2.0) * sliceMm / p.fovMm();
            double u = 0.3, v = 0.55, nx = -1, ny = 0;
            boolean found = false;
            for (int attempt = 0; attempt < 600 && !found; attempt++) {
                int k = r.nextInt(2);
                double cu = (k == 0 ? 0.13 : 0.52) + 0.35 * r.nextDouble(), cv = 0.22 + 0.6 * r.nextDouble();
                double accept = r.nextDouble();
                double post = Math.min(1, Math.max(0, (cv - 0.3) / 0.4)), prior = 0.3 + 0.7 * post;
                if (accept >= prior || a.lungAt(cu, cv, zNorm) < 0) {
                    continue;
                }
                // accepted with probability prior * exp(-d / 0.022): only distances below this bound can pass
                double bound = -0.022 * StrictMath.log(accept / prior);
                double[] pl = a.pleura(cu, cv, zNorm, Math.min(0.12, bound + 0.004));
                if (pl[1] == 0 && pl[2] == 0) {
                    continue; // no pleura within the bound
                }
                u = cu;
                v = cv;
                nx = pl[1];
                ny = pl[2];
                found = pl[0] < bound;
            }
            double tx = -ny, ty = nx; // along the pleura
            double sigma = cons ? 0.012 + 0.014 * r.nextDouble() : 0.016 + 0.028 * r.nextDouble();
            List<Lobe> lobes = new ArrayList<>();
            int nl = 3 + r.nextInt(5);
            for (int l = 0; l < nl; l++) {
                double ot = l == 0 ? 0 : r.nextGaussian() * 1.5 * sigma;
                double on = (l == 0 ? 0 : 0.4 * sigma * r.nextGaussian()) - (cons ? 0.5 * sigma : 0);
                double sg = sigma * (l == 0 ? 1 : 0.55 + 0.45 * r.nextDouble());
                double sz = Math.max(0.6, sg * s * zRatio * (0.8 + 0.6 * r.nextDouble()));
                double oz = depth == 1 ? 0 : r.nextGaussian() * sz * 0.5;
                lobes.add(new Lobe((u + ot * tx + on * nx) * s, (v + ot * ty + on * ny) * s, cz + oz, sg * 1.4 * s,
                        sg * 0.85 * s, tx, ty, sz, l == 0 ? 1 : 0.6 + 0.4 * r.nextDouble()));
            }
            long ns = r.nextLong();
            if (cons) {
                List<Tube> air = new ArrayList<>();
                double bx = u - nx * 1.6 * sigma, by = v - ny * 1.6 * sigma;
                double dz = 0.12 * r.nextGaussian();
                for (int b = 0; b < 1; b++) {
                    double ang = 0.25 * r.nextGaussian();
                    double c = StrictMath.cos(ang), sn = StrictMath.sin(ang);
                    double dx = nx * c - ny * sn, dy = nx * sn + ny * c;
                    double len = sigma * (1.6 + 1.2 * r.nextDouble());
                    double ex = bx + dx * len, ey = by + dy * len, ez = zu + dz * len;
                    air.add(new Tube(bx, by, zu, ex, ey, ez, 0.0026, 0));
                    for (int c2 = -1; c2 <= 1; c2 += 2) {
                        if (c2 < 0 && r.nextBoolean()) {
                            continue;
                        }
                        double a2 = c2 * (0.35 + 0.3 * r.nextDouble());
                        double ddx = dx * StrictMath.cos(a2) - dy * StrictMath.sin(a2);
                        double ddy = dx * StrictMath.sin(a2) + dy * StrictMath.cos(a2);
                        double l2 = len * (0.5 + 0.3 * r.nextDouble());
                        air.add(new Tube(ex, ey, ez, ex + ddx * l2, ey + ddy * l2, ez + dz * l2, 0.0019, 0));
                    }
                }
                double hu = -100 + 150 * r.nextDouble();
                out.add(new Lesion(PhantomSlice.CONSOLIDATION, hu, 0.4, 0.6, lobes, ns, false, List.copyOf(air)));
                if (r.nextDouble() < 0.85) { // GGO halo
                    List<Lobe> halo = new ArrayList<>();
                    for (Lobe lb : lobes) {
                        halo.add(new Lobe(lb.x(), lb.y(), lb.z(), lb.sT() * 1.5, lb.sN() * 1.5, lb.cos(), lb.sin(),
                                lb.sigmaZ() * 1.3, lb.weight()));
                    }
                    out.add(new Lesion(PhantomSlice.GGO, -650 + 200 * r.nextDouble(), 0.22, 0.72, halo, ns + 1,
                            r.nextDouble() < 0.3, List.of()));
                }
            } else {
                double hu = -700 + 300 * r.nextDouble();
                out.add(new Lesion(PhantomSlice.GGO, hu, 0.15, 0.8, lobes, ns, r.nextDouble() < 0.4, List.of()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ rendering

    private static PhantomSlice render(Anatomy a, List<Lesion> lesions, Params p, double z, double zNorm, double zUnits,
            Random rnd) {
        int s = p.size();
        float[] hu = new float[s * s];
        byte[] lung = new byte[s * s];
        paintChest(a, hu, lung, s, zNorm);
        paintMediastinum(a, hu, lung, s, zNorm);
        double zc = zUnits * s;
        float[] vessel = paintVesselsAndBronchi(a, hu, lung, s, zc);
        Labels labels = paintLesions(lesions, hu, lung, vessel, s, z, zUnits, zc);
        float[] out = blurAndAddNoise(hu, s, p.noiseHu(), rnd);
        return oriented(p.orientation(), s, out, labels.infection(), labels.classes(), lung);
    }

    /** The infection mask (0/1) and the class map (0, GGO, consolidation) of a slice. */
    private record Labels(byte[] infection, byte[] classes) {}

    /**
     * Air, skin, subcutaneous fat, muscle, and inside the thoracic cavity the lungs (marked in {@code lung}, with their
     * dependent density gradient and texture) or mediastinal fat, and the ribs in the chest wall.
     */
    private static void paintChest(Anatomy a, float[] hu, byte[] lung, int s, double zNorm) {
        double inv = 1.0 / s;
        long ns = a.noiseSeed();
        for (int y = 0; y < s; y++) {
            double v = (y + 0.5) * inv;
            for (int x = 0; x < s; x++) {
                double u = (x + 0.5) * inv;
                int i = y * s + x;
                double rb = a.bodyRadius(u, v) * (1 + 0.012 * (Noise.value3(u * 6, v * 6, zNorm, ns + 7) - 0.5));
                double val;
                if (rb >= 1.0) {
                    val = -1000; // air
                } else if (rb > 0.988) {
                    val = 20; // skin
                } else {
                    // subcutaneous fat: thicker laterally and anteriorly, thin over the back muscles
                    double fatInner = v > a.bodyCy() + 0.15 ? 0.95 : 0.9 - 0.02 * Math.abs(u - 0.5) / 0.4;
                    if (rb > fatInner) {
                        val = -100 + 20 * (Noise.value3(u * 40, v * 40, zNorm * 3, ns + 8) - 0.5);
                    } else {
                        val = 45 + 10 * (Noise.value3(u * 25, v * 25, zNorm * 3, ns + 10) - 0.5); // muscle
                    }
                    double rc = a.cavityRadius(u, v);
                    if (rc < 1.0 + 0.025 * (Noise.value3(u * 9, v * 9, zNorm * 2, ns + 3) - 0.5)) {
                        int k = a.lungAt(u, v, zNorm);
                        if (k >= 0) {
                            lung[i] = 1;
                            double post = (v - 0.52) / 0.28; // dependent (posterior) density gradient
                            val = PARENCHYMA_HU + 22 * post + 10 * post * post
                                    + 34 * (Noise.value3(u * 22, v * 22, zNorm * 4, ns + 9) - 0.5)
                                    + 16 * (Noise.value3(u * 70, v * 70, zNorm * 8, ns + 11) - 0.5);
                        } else {
                            val = -45 + 30 * (Noise.value3(u * 30, v * 30, zNorm * 3, ns + 12) - 0.5); // mediastinal fat and small vessels
                        }
                    } else if (rc < 1.10) {
                        val = ribAt(a, u, v, rc, zNorm, val); // ribs and intercostal muscle
                    }
                }
                hu[i] = (float) val;
            }
        }
    }

    /**
     * Vessels and bronchi, cut from the 3D trees at height {@code zc} (pixels), inside the lungs only; returns the
     * fraction of each pixel taken by a vessel or a bronchial wall (lesions do not show through it).
     */
    private static float[] paintVesselsAndBronchi(Anatomy a, float[] hu, byte[] lung, int s, double zc) {
        int n = s * s;
        float[] vf = new float[n];
        for (Tube t : a.vessels()) {
            double rp = t.r() * s, amp = Math.min(1, rp / 0.55), eff = Math.max(rp, 0.55);
            tube(t, s, zc, eff + 1, (i, d) -> {
                double f = amp * Math.max(0, Math.min(1, eff + 0.5 - d));
                if (f > vf[i]) {
                    vf[i] = (float) f;
                }
            });
        }
        float[] wall = new float[n], lumen = new float[n];
        for (Tube t : a.bronchi()) {
            double rl = t.r() * s, rw = rl + Math.max(0.7, t.wall() * s);
            tube(t, s, zc, rw + 1, (i, d) -> {
                double fl = Math.max(0, Math.min(1, rl + 0.5 - d)), fo = Math.max(0, Math.min(1, rw + 0.5 - d));
                lumen[i] = (float) Math.max(lumen[i], fl);
                wall[i] = (float) Math.max(wall[i], fo - fl);
            });
        }
        for (int i = 0; i < n; i++) {
            if (lung[i] != 0) {
                float h = hu[i];
                h += vf[i] * (40 - h);
                h += wall[i] * (-350 - h);
                h += lumen[i] * (-975 - h);
                hu[i] = h;
                vf[i] = Math.max(vf[i], wall[i]);
            }
        }
        return vf;
    }

    /**
     * Lesions inside the lungs: ground glass (with crazy paving) added to the parenchyma away from vessels,
     * consolidations replacing it (with air bronchograms); a pixel is infected where a lesion's membership reaches
     * one half.
     */
    private static Labels paintLesions(List<Lesion> lesions, float[] hu, byte[] lung, float[] vf, int s, double z,
            double zUnits, double zc) {
        int n = s * s;
        double inv = 1.0 / s;
        float[] dist = pleuraDistance(lung, s);
        float[] ggoAdd = new float[n], consM = new float[n], consHu = new float[n], airM = new float[n];
        byte[] cls = new byte[n];
        byte[] inf = new byte[n];
        for (Lesion l : lesions) {
            float[] f = membership(l, s, z, dist);
            boolean ggo = l.cls() == PhantomSlice.GGO;
            for (int i = 0; i < n; i++) {
                if (lung[i] == 0 || f[i] <= 0) {
                    continue;
                }
                float m = f[i];
                int x = i % s, y = i / s;
                if (ggo) {
                    double tex = 140 * (Noise.value3(x * 0.06, y * 0.06, z * 0.3, l.noiseSeed()) - 0.5)
                            + 70 * (Noise.value3(x * 0.22, y * 0.22, z * 0.6, l.noiseSeed() + 2) - 0.5);
                    double add = m * (l.hu() + tex - PARENCHYMA_HU) * (1 - vf[i]);
                    if (l.crazy()) {
                        add += m * 150 * septa((x + 0.5) * inv, (y + 0.5) * inv, zUnits, l.noiseSeed()) * (1 - vf[i]);
                    }
                    ggoAdd[i] = (float) Math.max(ggoAdd[i], add);
                } else if (m > consM[i]) {
                    consM[i] = m;
                    consHu[i] = (float) (l.hu() + 30 * (Noise.value3(x * 0.15, y * 0.15, z * 0.3, l.noiseSeed()) - 0.5));
                }
                if (m >= 0.5f) {
                    inf[i] = 1;
                    if (l.cls() == PhantomSlice.CONSOLIDATION || cls[i] == 0) {
                        cls[i] = l.cls();
                    }
                }
            }
            for (Tube t : l.bronchograms()) {
                double rp = Math.max(0.8, t.r() * s);
                tube(t, s, zc, rp + 1, (i, d) -> airM[i] = (float) Math.max(airM[i], Math.min(1, rp + 0.5 - d)));
            }
        }
        for (int i = 0; i < n; i++) {
            if (lung[i] != 0) {
                float h = hu[i] + ggoAdd[i];
                h += consM[i] * (consHu[i] - h);
                if (consM[i] > 0.3f && airM[i] > 0) {
                    h += airM[i] * Math.min(1, (consM[i] - 0.3f) * 2.5f) * (-900 - h);
                }
                hu[i] = h;
            }
        }
        return new Labels(inf, cls);
    }

    /** Partial volume blur, then correlated noise of {@code noiseHu} (HU, none when 0). */
    private static float[] blurAndAddNoise(float[] hu, int s, double noiseHu, Random rnd) {
        int n = s * s;
        float[] out = binomialBlur(hu, s, s);
        if (noiseHu > 0) {
            float[] noise = new float[n];
            for (int i = 0; i < n; i++) {
                noise[i] = (float) rnd.nextGaussian();
            }
            noise = binomialBlur(noise, s, s); // std shrinks by 0.375 per 2D binomial pass
            float k = (float) (noiseHu / 0.375);
            for (int i = 0; i < n; i++) {
                out[i] += k * noise[i];
            }
        }
        return out;
    }

    /** The slice in {@code orientation} (rendered with the spine down). */
    private static PhantomSlice oriented(Orientation orientation, int s, float[] out, byte[] inf, byte[] cls,
            byte[] lung) {
        switch (orientation) {
            case SPINE_LEFT -> {
                out = rotateCw(out, s);
                inf = rotateCw(inf, s);
                cls = rotateCw(cls, s);
                lung = rotateCw(lung, s);
            }
            case SPINE_RIGHT -> {
                out = transpose(out, s);
                inf = transpose(inf, s);
                cls = transpose(cls, s);
                lung = transpose(lung, s);
            }
            default -> {
            }
        }
        return new PhantomSlice(s, s, out, inf, cls, lung);
    }

    /** Chest wall between the pleura and the muscles: obliquely cut ribs (bone) in arcs, else {@code soft}. */
    private static double ribAt(Anatomy a, double u, double v, double rc, double zNorm, double soft) {
        double ang = StrictMath.atan2((v - a.cavCy()) / a.cavB(), Math.abs(u - a.cavCx()) / a.cavA()); // -pi/2 (front) .. pi/2 (back)
        if (ang < -1.25 || ang > 1.2) {
            return soft; // sternum and spine regions
        }
        double phase = (ang + 1.25) / 0.36 + (u < a.cavCx() ? 0.35 : 0) + 0.8 * zNorm;
        double f = phase - Math.floor(phase);
        if (f > 0.42) {
            return soft;
        }
        double mid = 1.045, half = 0.026 * (0.6 + 0.4 * StrictMath.sin(Math.PI * f / 0.42));
        double d = Math.abs(rc - mid);
        if (d > half) {
            return soft;
        }
        return d > half - 0.01 ? 650 : 220; // cortex, marrow
    }

    /** Heart, pericardial fat, aorta, oesophagus, main bronchi, vertebra, sternum and scapulae (never inside lung). */
    private static void paintMediastinum(Anatomy a, float[] hu, byte[] lung, int s, double zNorm) {
        double hs = Anatomy.heartScale(zNorm);
        double c = StrictMath.cos(a.heartAngle()), sn = StrictMath.sin(a.heartAngle());
        double hA = a.heartA() * hs * 0.97 * s, hB = a.heartB() * hs * 0.96 * s;
        fill(hu, lung, s, a.heartCx() * s, a.heartCy() * s, Math.max(hA, hB), (dx, dy) -> {
            double p = (dx * c + dy * sn) / hA, q = (-dx * sn + dy * c) / hB;
            return p * p + q * q <= 1 ? 42f : Float.NaN;
        });
        disk(hu, lung, s, 0.566, 0.668, 0.029, 45f, 0f);                  // descending aorta
        disk(hu, lung, s, 0.515, 0.655, 0.011, -950f, 35f);               // oesophagus (air in lumen)
        disk(hu, lung, s, 0.538, 0.418 + 0.03 * (1 - hs), 0.030, 45f, 0f); // pulmonary trunk / ascending aorta
        if (zNorm > 0.35 && zNorm < 0.75) {                               // main bronchi (or trachea above)
            if (zNorm > 0.6) {
                disk(hu, lung, s, 0.505, 0.585, 0.02, -990f, 20f);
            } else {
                disk(hu, lung, s, 0.472, 0.588, 0.016, -990f, 20f);
                disk(hu, lung, s, 0.545, 0.592, 0.014, -990f, 20f);
            }
        }
        ring(hu, lung, s, 0.5, 0.745, 0.042, 0.006, 650f, 230f);          // vertebral body
        disk(hu, lung, s, 0.5, 0.805, 0.016, 25f, 0f);                      // spinal canal
        for (int side = -1; side <= 1; side += 2) {
            capsule2(hu, lung, s, 0.5 + side * 0.018, 0.80, 0.5 + side * 0.06, 0.795, 0.009, 600f); // lamina / transverse process
            capsule2(hu, lung, s, 0.5 + side * 0.065, 0.775, 0.5 + side * 0.09, 0.765, 0.011, 550f); // rib head
            capsule2(hu, lung, s, 0.5 + side * 0.2, 0.80, 0.5 + side * 0.31, 0.72, 0.007, 550f);     // scapula
        }
        capsule2(hu, lung, s, 0.5, 0.815, 0.5, 0.835, 0.008, 600f);        // spinous process
        ellipse(hu, lung, s, 0.5, a.cavCy() - a.cavB() - 0.016, 0.032, 0.011, 450f); // sternum
    }

    /** Smooth membership in [0,1] of a lesion on slice z, weighted towards the pleura ({@code dist} in pixels). */
    private static float[] membership(Lesion l, int s, double z, float[] dist) {
        float[] field = new float[s * s];
        for (Lobe b : l.lobes()) {
            double dz = z - b.z();
            double wz = b.weight() * StrictMath.exp(-dz * dz / (2 * b.sigmaZ() * b.sigmaZ()));
            if (wz < 1e-3) {
                continue;
            }
            double rad = 3.2 * Math.max(b.sT(), b.sN());
            int x0 = Math.max(0, (int) (b.x() - rad)), x1 = Math.min(s - 1, (int) (b.x() + rad) + 1);
            int y0 = Math.max(0, (int) (b.y() - rad)), y1 = Math.min(s - 1, (int) (b.y() + rad) + 1);
            double kt = 1.0 / (2 * b.sT() * b.sT()), kn = 1.0 / (2 * b.sN() * b.sN());
            for (int y = y0; y <= y1; y++) {
                double dy = y + 0.5 - b.y();
                for (int x = x0; x <= x1; x++) {
                    double dx = x + 0.5 - b.x();
                    double t = dx * b.cos() + dy * b.sin(), q = -dx * b.sin() + dy * b.cos();
                    field[y * s + x] += (float) (wz * StrictMath.exp(-t * t * kt - q * q * kn));
                }
            }
        }
        double scale = 20.0 / s, lambda = 0.03 * s;
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
            double pleural = 0.4 + 0.6 * StrictMath.exp(-dist[i] / lambda);
            double g = f * pleural * (1 + 0.9 * nse);
            double t = (g - l.t0()) / w;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            field[i] = (float) (t * t * (3 - 2 * t));
        }
        return field;
    }

    /**
     * Interlobular septa for crazy paving: 1 on the boundaries of a 3D Voronoi tessellation of about 11 mm cells
     * (secondary pulmonary lobules), falling to 0 about 1 mm away.
     */
    private static double septa(double u, double v, double w, long seed) {
        double c = 0.031;
        double X = u / c, Y = v / c, Z = w / c;
        int xi = (int) Math.floor(X), yi = (int) Math.floor(Y), zi = (int) Math.floor(Z);
        double f1 = 9, f2 = 9;
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int cx = xi + dx, cy = yi + dy, cz = zi + dz;
                    double px = cx + 0.15 + 0.7 * Noise.h(cx, cy, cz, seed + 21);
                    double py = cy + 0.15 + 0.7 * Noise.h(cx, cy, cz, seed + 22);
                    double pz = cz + 0.15 + 0.7 * Noise.h(cx, cy, cz, seed + 23);
                    double d = Math.sqrt((X - px) * (X - px) + (Y - py) * (Y - py) + (Z - pz) * (Z - pz));
                    if (d < f1) {
                        f2 = f1;
                        f1 = d;
                    } else if (d < f2) {
                        f2 = d;
                    }
                }
            }
        }
        double e = (f2 - f1) / 0.07;
        return e >= 1 ? 0 : 1 - e * e;
    }

    /** Chamfer (1, sqrt 2) distance in pixels from each lung pixel to the nearest non-lung pixel (0 outside). */
    static float[] pleuraDistance(byte[] lung, int s) {
        float big = 1e9f, d1 = 1f, d2 = (float) Math.sqrt(2);
        float[] d = new float[s * s];
        for (int i = 0; i < d.length; i++) {
            d[i] = lung[i] != 0 ? big : 0;
        }
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int i = y * s + x;
                if (d[i] == 0) {
                    continue;
                }
                float m = d[i];
                m = Math.min(m, x > 0 ? d[i - 1] + d1 : d1);
                m = Math.min(m, y > 0 ? d[i - s] + d1 : d1);
                m = Math.min(m, x > 0 && y > 0 ? d[i - s - 1] + d2 : d2);
                m = Math.min(m, x < s - 1 && y > 0 ? d[i - s + 1] + d2 : d2);
                d[i] = m;
            }
        }
        for (int y = s - 1; y >= 0; y--) {
            for (int x = s - 1; x >= 0; x--) {
                int i = y * s + x;
                if (d[i] == 0) {
                    continue;
                }
                float m = d[i];
                m = Math.min(m, x < s - 1 ? d[i + 1] + d1 : d1);
                m = Math.min(m, y < s - 1 ? d[i + s] + d1 : d1);
                m = Math.min(m, x < s - 1 && y < s - 1 ? d[i + s + 1] + d2 : d2);
                m = Math.min(m, x > 0 && y < s - 1 ? d[i + s - 1] + d2 : d2);
                d[i] = m;
            }
        }
        return d;
    }

    private interface PixelDistance {
        void at(int index, double distancePx);
    }

    /**
     * Visits the pixels of the slice plane {@code z = zc} (pixels) within {@code reach} pixels of the 3D tube
     * axis of {@code t} (normalised units), with their 3D distance to the axis in pixels.
     */
    private static void tube(Tube t, int s, double zc, double reach, PixelDistance sink) {
        double ax = t.ax() * s, ay = t.ay() * s, az = t.az() * s, bx = t.bx() * s, by = t.by() * s, bz = t.bz() * s;
        if (zc < Math.min(az, bz) - reach || zc > Math.max(az, bz) + reach) {
            return;
        }
        double t0 = 0, t1 = 1;
        if (Math.abs(bz - az) > 1e-9) {
            double ta = (zc - reach - az) / (bz - az), tb = (zc + reach - az) / (bz - az);
            t0 = Math.max(0, Math.min(ta, tb));
            t1 = Math.min(1, Math.max(ta, tb));
        }
        double xa = ax + t0 * (bx - ax), xb = ax + t1 * (bx - ax), ya = ay + t0 * (by - ay), yb = ay + t1 * (by - ay);
        int x0 = Math.max(0, (int) (Math.min(xa, xb) - reach - 1)), x1 = Math.min(s - 1, (int) (Math.max(xa, xb) + reach + 1));
        int y0 = Math.max(0, (int) (Math.min(ya, yb) - reach - 1)), y1 = Math.min(s - 1, (int) (Math.max(ya, yb) + reach + 1));
        double vx = bx - ax, vy = by - ay, vz = bz - az, len2 = vx * vx + vy * vy + vz * vz;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double px = x + 0.5 - ax, py = y + 0.5 - ay, pz = zc - az;
                double u = len2 > 0 ? Math.max(0, Math.min(1, (px * vx + py * vy + pz * vz) / len2)) : 0;
                double dx = px - u * vx, dy = py - u * vy, dz = pz - u * vz;
                double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
                if (d < reach) {
                    sink.at(y * s + x, d);
                }
            }
        }
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

    /** A flat 2D capsule (segment with round caps) of radius r, normalised coordinates. */
    private static void capsule2(float[] hu, byte[] lung, int s, double x1, double y1, double x2, double y2, double r, float val) {
        double ax = x1 * s, ay = y1 * s, vx = (x2 - x1) * s, vy = (y2 - y1) * s, R = r * s, len2 = vx * vx + vy * vy;
        double cx = ax + vx / 2, cy = ay + vy / 2, half = Math.sqrt(len2) / 2 + R;
        fill(hu, lung, s, cx, cy, half, (dx, dy) -> {
            double px = cx + dx - ax, py = cy + dy - ay;
            double t = Math.max(0, Math.min(1, (px * vx + py * vy) / len2));
            double ex = px - t * vx, ey = py - t * vy;
            return ex * ex + ey * ey <= R * R ? val : Float.NaN;
        });
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

    private static float[] transpose(float[] a, int s) {
        float[] o = new float[a.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                o[x * s + y] = a[y * s + x];
            }
        }
        return o;
    }

    private static byte[] transpose(byte[] a, int s) {
        byte[] o = new byte[a.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                o[x * s + y] = a[y * s + x];
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

        static double h(int x, int y, int z, long seed) {
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
