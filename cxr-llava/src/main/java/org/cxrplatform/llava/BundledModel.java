package org.cxrplatform.llava;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The tiny random-weight demo checkpoint shipped inside this jar ({@code models/tiny-cxr-llava/}):
 * real CXR-LLaVA v2 layout, 64 px images, 16 image tokens; outputs are meaningless text.
 */
public final class BundledModel {

    public static final String NAME = "tiny-cxr-llava";
    private static final String ROOT = "/models/" + NAME + "/";
    private static final List<String> FILES = List.of(
            "config.json",
            "generation_config.json",
            "model.safetensors.index.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "special_tokens_map.json",
            "tokenizer.json",
            "tokenizer_config.json");

    private BundledModel() {}

    /** Copies the bundled model folder into {@code dir} (created if needed) and returns it. */
    public static Path extractTo(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : FILES) {
                try (InputStream in = BundledModel.class.getResourceAsStream(ROOT + f)) {
                    if (in == null) {
                        throw new IllegalStateException("bundled model file missing from the class path: " + ROOT + f);
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled model to " + dir, e);
        }
    }

    /** Extracts into a fresh temporary folder (deleted on JVM exit). */
    public static Path extractToTempDir() {
        try {
            Path dir = Files.createTempDirectory(NAME + "-");
            extractTo(dir);
            dir.toFile().deleteOnExit();
            for (String f : FILES) {
                dir.resolve(f).toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the bundled model", e);
        }
    }
}
