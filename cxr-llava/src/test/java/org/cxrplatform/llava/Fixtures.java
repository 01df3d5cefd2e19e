package org.cxrplatform.llava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** The shared golden fixtures of the reference implementation (../shared/fixtures/cxr-llava). */
public final class Fixtures {

    public static final String TINY = "tiny-cxr-llava";
    public static final String TINY_512 = "tiny-cxr-llava-512";

    private Fixtures() {}

    static Path sharedDir() {
        String prop = System.getProperty("cxr.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        // repo root is the parent of this module's folder when run from the module
        for (Path p : new Path[] {Path.of("../shared"), Path.of("../../shared")}) {
            if (Files.isDirectory(p.resolve("fixtures/cxr-llava"))) {
                return p;
            }
        }
        throw new IllegalStateException("shared fixtures not found: set -Dcxr.shared.dir");
    }

    public static Path model(String name) {
        return sharedDir().resolve("fixtures/cxr-llava").resolve(name);
    }

    public static Path reference(String name) {
        return model(name).resolve("reference");
    }

    public static JsonNode expected(String name) {
        try {
            return new ObjectMapper()
                    .readTree(reference(name).resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage image(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalStateException("not an image: " + file);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
