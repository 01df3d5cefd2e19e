package org.cxrplatform.ingest.decode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.render.GreyscaleRenderer;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;
import org.cxrplatform.ingest.render.RenderedImage;
import org.cxrplatform.ingest.support.DecoderWorkers;
import org.cxrplatform.ingest.support.TestConfig;

/**
 * What isolating GDCM in worker processes costs per instance: the same JPEG-LS and 12-bit JPEG extended files
 * decoded by the same GDCM code in this JVM (JNI, as the service did before) and through a one-worker
 * {@link DecoderPool} (request over a pipe, frame through a file), alternating, after a warm-up. Prints the median
 * milliseconds per decode of each and their difference. Only what PixelMed's Java codecs cannot decode goes to a
 * worker; uncompressed, JPEG baseline/lossless and RLE instances pay nothing. JPEG 2000 goes to a worker first
 * because it is faster there: the whole rendering of a JPEG 2000 lossless instance with the worker first and with
 * PixelMed's Java codec (the decoder before) is compared too, alternating.
 *
 * <pre>
 * cd ingest-service
 * mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -Djava.library.path=/usr/lib/x86_64-linux-gnu/jni -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     org.cxrplatform.ingest.decode.DecoderIsolationBenchmark [ROUNDS [full-size]]
 * </pre>
 *
 * With {@code full-size}, the file is a 2500x2048 16-bit chest (about 10 MB decoded) instead of the 512x600 sample.
 */
public final class DecoderIsolationBenchmark {

    private DecoderIsolationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        Path tmp = Files.createTempDirectory("decoder-isolation");
        boolean fullSize = args.length > 1 && args[1].equals("full-size");
        SampleStudies.Sample sample = fullSize
                ? SampleStudies.writeFullSizeChest(tmp.resolve("samples"), SampleStudies.DEFAULT_SEED, 2500, 2048)
                : SampleStudies.write(tmp.resolve("samples"), SampleStudies.DEFAULT_SEED)
                        .get(0);
        IngestConfig config = TestConfig.defaults();
        GdcmDecoder inProcess =
                new GdcmDecoder(config.render().gdcmLibrary(), config.render().gdcmconv());
        try (DecoderPool pool = DecoderWorkers.start(
                tmp.resolve("decoders"), new SimpleMeterRegistry(), Map.of("cxr.ingest.decoders.workers", "1"))) {
            // JPEG extended stops at 12 bits: the 16-bit full-size chest is measured in JPEG-LS only
            for (SampleTranscoder.Syntax syntax : fullSize
                    ? new SampleTranscoder.Syntax[] {SampleTranscoder.Syntax.JPEG_LS}
                    : new SampleTranscoder.Syntax[] {
                        SampleTranscoder.Syntax.JPEG_LS, SampleTranscoder.Syntax.JPEG_EXTENDED_12BIT
                    }) {
                Path file = SampleTranscoder.transcode(sample.file(), syntax, tmp.resolve(syntax.name()));
                for (int i = 0; i < 10; i++) { // warm-up: JIT in both JVMs, page cache
                    inProcess.decode(file, config.render().maxFrameBytes());
                    pool.decodeFirstFrame(file);
                }
                double[] local = new double[rounds];
                double[] worker = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    inProcess.decode(file, config.render().maxFrameBytes());
                    long t1 = System.nanoTime();
                    pool.decodeFirstFrame(file);
                    long t2 = System.nanoTime();
                    local[i] = (t1 - t0) / 1e6;
                    worker[i] = (t2 - t1) / 1e6;
                }
                double l = median(local);
                double w = median(worker);
                System.out.printf(
                        "%s (%s), %d alternating rounds: in-process JNI %.1f ms, decoder worker %.1f ms,"
                                + " isolation cost %.1f ms per instance (load average %s)%n",
                        syntax, sample.label(), rounds, l, w, w - l, loadAverage());
            }
            jpeg2000(sample, tmp, config, pool, rounds);
        }
    }

    /** A JPEG 2000 lossless instance rendered with the worker first (now) and with PixelMed alone (before). */
    private static void jpeg2000(
            SampleStudies.Sample sample, Path tmp, IngestConfig config, DecoderPool pool, int rounds) throws Exception {
        Path file = SampleTranscoder.transcode(
                sample.file(), SampleTranscoder.Syntax.JPEG2000, tmp.resolve(SampleTranscoder.Syntax.JPEG2000.name()));
        GreyscaleRenderer workerFirst = new GreyscaleRenderer(config.render(), pool);
        GreyscaleRenderer pixelMed = new GreyscaleRenderer(config.render(), f -> {
            throw new RenderException(NativeDecoder.UNAVAILABLE, "PixelMed alone");
        });
        for (int i = 0; i < 3; i++) { // warm-up
            check(workerFirst.render(file), "gdcm");
            check(pixelMed.render(file), "pixelmed");
        }
        double[] worker = new double[rounds];
        double[] java = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            workerFirst.render(file);
            long t1 = System.nanoTime();
            pixelMed.render(file);
            long t2 = System.nanoTime();
            worker[i] = (t1 - t0) / 1e6;
            java[i] = (t2 - t1) / 1e6;
        }
        System.out.printf(
                "JPEG2000 lossless (%s), %d alternating rounds, whole rendering: decoder worker first %.1f ms,"
                        + " PixelMed in process %.1f ms (load average %s)%n",
                sample.label(), rounds, median(worker), median(java), loadAverage());
    }

    private static void check(RenderedImage image, String decoder) {
        if (!image.decoder().startsWith(decoder)) {
            throw new IllegalStateException("decoded by " + image.decoder() + ", expected " + decoder);
        }
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
