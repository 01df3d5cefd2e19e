package org.cxrplatform.devstack.samples;

import java.util.Random;

/**
 * Draws a crude radiograph as a density map in [0, 1] (1 = most attenuating = bright on
 * MONOCHROME2): air, soft tissue, dark lung fields, mediastinum and heart, spine, ribs and
 * clavicles for a chest; palm and finger bones for a hand. Uses {@link StrictMath} and a seeded
 * {@link Random}, so the output is identical on every JVM.
 */
final class Phantom {

    private static final float AIR = 0.03f;
    private static final float SOFT = 0.48f;
    private static final float LUNG = 0.17f;
    private static final float MEDIASTINUM = 0.72f;
    private static final float BONE = 0.86f;

    private Phantom() {}

    static float[] render(String anatomy, int width, int height, Random random) {
        float[] d = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (x + 0.5) / width; // 0 = image left (patient right on a PA view)
                double v = (y + 0.5) / height; // 0 = top
                d[y * width + x] = switch (anatomy) {
                    case "CHEST_PA" -> (float) frontal(u, v, 1.0);
                    case "CHEST_AP" -> (float) frontal(u, v, 1.12);
                    case "CHEST_LATERAL" -> (float) lateral(u, v);
                    case "HAND" -> (float) hand(u, v);
                    default -> throw new IllegalArgumentException(anatomy);
                };
            }
        }
        // Quantum noise plus a faint low-frequency texture (vessels, film grain).
        double phase1 = random.nextDouble() * 6.28;
        double phase2 = random.nextDouble() * 6.28;
        for (int i = 0; i < d.length; i++) {
            int x = i % width;
            int y = i / width;
            double texture = 0.012 * StrictMath.sin(x * 0.21 + phase1) * StrictMath.sin(y * 0.17 + phase2);
            d[i] = (float) clamp(d[i] + texture + random.nextGaussian() * 0.008);
        }
        return d;
    }

    /** PA or AP chest; {@code heartScale} widens the heart shadow as an AP projection magnifies it. */
    private static double frontal(double u, double v, double heartScale) {
        if (!inEllipse(u, v, 0.5, 0.55, 0.47, 0.58)) {
            return AIR;
        }
        double value = SOFT;
        boolean rightLung = inEllipse(u, v, 0.30, 0.47, 0.16, 0.33);
        boolean leftLung = inEllipse(u, v, 0.70, 0.47, 0.16, 0.33);
        boolean lung = rightLung || leftLung;
        if (lung) {
            double depth = StrictMath.min(1.0, (v - 0.14) / 0.6);
            value = LUNG + 0.08 * depth;
        }
        // Mediastinum: a vertical band, the heart bulging to the patient's left (image right).
        if (StrictMath.abs(u - 0.5) < 0.07 && v > 0.12 && v < 0.85) {
            value = MEDIASTINUM;
        }
        if (inEllipse(u, v, 0.56, 0.66, 0.15 * heartScale, 0.13 * heartScale)) {
            value = MEDIASTINUM - 0.04;
        }
        // Diaphragm and abdomen below the lung bases.
        if (v > 0.78 && !lung) {
            value = StrictMath.max(value, SOFT + 0.1);
        }
        // Spine through the mediastinum.
        if (StrictMath.abs(u - 0.5) < 0.025 && v > 0.05) {
            value = BONE - 0.05;
        }
        // Ribs: curved bands across each lung, 9 a side.
        for (int r = 0; r < 9; r++) {
            double base = 0.17 + r * 0.068;
            double dx = StrictMath.abs(u - 0.5);
            double curve = base + 0.10 * dx * dx / 0.1;
            if (dx > 0.04 && dx < 0.33 && StrictMath.abs(v - curve) < 0.011) {
                value = lung ? value + 0.22 : StrictMath.max(value, BONE - 0.15);
            }
        }
        // Clavicles.
        for (int side = -1; side <= 1; side += 2) {
            double dx = (u - 0.5) * side;
            if (dx > 0.03 && dx < 0.28 && StrictMath.abs(v - (0.13 + 0.12 * dx)) < 0.012) {
                value = BONE;
            }
        }
        return value;
    }

    /** Left lateral chest: one large lung field, spine behind (image right), sternum in front. */
    private static double lateral(double u, double v) {
        if (!inEllipse(u, v, 0.5, 0.55, 0.40, 0.58)) {
            return AIR;
        }
        double value = SOFT;
        if (inEllipse(u, v, 0.52, 0.47, 0.27, 0.32)) {
            value = LUNG + 0.12;
        }
        if (inEllipse(u, v, 0.40, 0.64, 0.14, 0.13)) {
            value = MEDIASTINUM - 0.06;
        }
        if (StrictMath.abs(u - 0.80) < 0.04 && v > 0.05) {
            value = BONE - 0.05;
        }
        if (StrictMath.abs(u - 0.14) < 0.015 && v > 0.2 && v < 0.62) {
            value = BONE - 0.1;
        }
        return value;
    }

    private static double hand(double u, double v) {
        double value = AIR;
        boolean palm = inEllipse(u, v, 0.5, 0.72, 0.24, 0.2);
        if (palm) {
            value = SOFT;
        }
        double[] fingerX = {0.28, 0.40, 0.51, 0.62, 0.73};
        double[] fingerTop = {0.50, 0.18, 0.12, 0.16, 0.26};
        for (int f = 0; f < 5; f++) {
            if (StrictMath.abs(u - fingerX[f]) < 0.045 && v > fingerTop[f] && v < 0.75) {
                value = SOFT;
                if (StrictMath.abs(u - fingerX[f]) < 0.018) {
                    value = BONE; // phalanges
                }
            }
        }
        if (palm && StrictMath.abs(((u - 0.3) * 10) % 1.1) < 0.25 && v > 0.6 && v < 0.85) {
            value = BONE - 0.1; // metacarpals
        }
        return value;
    }

    private static boolean inEllipse(double u, double v, double cu, double cv, double ru, double rv) {
        double a = (u - cu) / ru;
        double b = (v - cv) / rv;
        return a * a + b * b <= 1.0;
    }

    private static double clamp(double x) {
        return x < 0 ? 0 : x > 1 ? 1 : x;
    }
}
