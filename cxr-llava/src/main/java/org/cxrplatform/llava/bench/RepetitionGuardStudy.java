package org.cxrplatform.llava.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RepetitionGuard;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.RequestHandle;
import org.cxrplatform.llava.engine.StopReason;

/**
 * How often {@link RepetitionGuard#REPORT} fires and what it changes: each study's report is
 * generated with the guard off and on (same seed), greedy and with the report defaults, and the
 * two runs are compared (where the guard stopped, tokens saved, the guarded ids a prefix of the
 * unguarded ones). Studies are the model folder's {@code reference/input.png} (the golden fixtures
 * have one) and synthetic 8-bit images.
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.RepetitionGuardStudy
 *     [--studies N] [--max-new-tokens N] MODEL_DIR...</pre>
 */
public final class RepetitionGuardStudy {

    private RepetitionGuardStudy() {}

    public static void main(String[] args) throws Exception {
        int studies = 20;
        int maxNew = 512;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--studies" -> studies = Integer.parseInt(args[++i]);
                case "--max-new-tokens" -> maxNew = Integer.parseInt(args[++i]);
                default -> models.add(Path.of(args[i]));
            }
        }
        for (Path dir : models) {
            try (CxrLlava llava = CxrLlava.load(dir, RuntimeOptions.cpu())) {
                List<BufferedImage> images = images(dir, studies);
                boolean reference = Files.isRegularFile(dir.resolve("reference/input.png"));
                for (boolean sampled : new boolean[] {false, true}) {
                    GenerationOptions base = sampled ? GenerationOptions.reportDefaults(0) : GenerationOptions.greedy();
                    report(
                            llava,
                            dir.getFileName() + (sampled ? " t=0.2,p=0.8" : " greedy"),
                            images,
                            base.withMaxNewTokens(maxNew),
                            reference);
                }
            }
        }
    }

    private static List<BufferedImage> images(Path dir, int studies) throws Exception {
        List<BufferedImage> out = new ArrayList<>();
        Path input = dir.resolve("reference/input.png");
        if (Files.isRegularFile(input)) {
            out.add(ImageIO.read(input.toFile()));
        }
        Random rnd = new Random(7);
        while (out.size() < studies) {
            BufferedImage img = new BufferedImage(600, 520, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.getRaster().setSample(x, y, 0, (x * 3 + y * 5 + rnd.nextInt(60)) & 0xff);
                }
            }
            out.add(img);
        }
        return out;
    }

    /** Runs every study with the guard off and on; {@code reference}: study 0 is the folder's reference image. */
    private static void report(
            CxrLlava llava, String label, List<BufferedImage> images, GenerationOptions options, boolean reference) {
        Engine engine = llava.engine();
        List<RequestHandle[]> runs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            GenerationOptions study = options.forStudy("study-" + i);
            runs.add(new RequestHandle[] {
                engine.submit(
                        GenerationRequest.report(images.get(i)),
                        study.withRepetitionGuard(RepetitionGuard.OFF),
                        0,
                        null),
                engine.submit(
                        GenerationRequest.report(images.get(i)),
                        study.withRepetitionGuard(RepetitionGuard.REPORT),
                        0,
                        null)
            });
        }
        while (engine.step()) {
            // until every run ends
        }
        int fired = 0;
        int prefixes = 0;
        long tokensOff = 0;
        long tokensOn = 0;
        List<Integer> firedAt = new ArrayList<>();
        for (RequestHandle[] run : runs) {
            Completion off = run[0].result().join();
            Completion on = run[1].result().join();
            tokensOff += off.generatedIds().length;
            tokensOn += on.generatedIds().length;
            if (on.stopReason() == StopReason.REPETITION) {
                fired++;
                firedAt.add(on.generatedIds().length);
            }
            int n = on.generatedIds().length;
            if (n <= off.generatedIds().length
                    && Arrays.equals(on.generatedIds(), Arrays.copyOf(off.generatedIds(), n))) {
                prefixes++;
            }
        }
        if (reference) {
            Completion on = runs.get(0)[1].result().join();
            System.out.printf(
                    Locale.ROOT,
                    "%-32s reference/input.png: %d tokens with the guard (%s), %d without%n",
                    label,
                    on.generatedIds().length,
                    on.stopReason(),
                    runs.get(0)[0].result().join().generatedIds().length);
        }
        firedAt.sort(null);
        System.out.printf(
                Locale.ROOT,
                "%-32s %d studies: guard fired %d (%.0f %%)%s; tokens %d -> %d (%.0f %% fewer); "
                        + "guarded ids a prefix of the unguarded: %d/%d%n",
                label,
                runs.size(),
                fired,
                100.0 * fired / runs.size(),
                firedAt.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " at token %d-%d (median %d)",
                                firedAt.get(0),
                                firedAt.get(firedAt.size() - 1),
                                firedAt.get(firedAt.size() / 2)),
                tokensOff,
                tokensOn,
                100.0 * (tokensOff - tokensOn) / tokensOff,
                prefixes,
                runs.size());
    }
}
