package org.cxrplatform.ingest.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.support.CraftedFragments;
import org.cxrplatform.ingest.support.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A fragment declaring far more bytes than the file holds is refused by name, without allocating its length. */
class DeclaredLengthsTest {

    @TempDir
    static Path tmp;

    // Refused while the headers are walked: reaching a decoder at all fails the test.
    final GreyscaleRenderer renderer =
            new GreyscaleRenderer(TestConfig.defaults().render(), file -> {
                throw new AssertionError("decoder reached for " + file);
            });

    @ParameterizedTest
    @ValueSource(longs = {2_147_483_632L, 4_294_967_280L, 1_000_000L}) // ~2 GB (fits an int), ~4 GB, merely too long
    void hugeFragmentIsRefusedWithDeclaredAndAvailableLengthAndNoBigAllocation(long declared) throws Exception {
        Path sample =
                SampleStudies.write(tmp.resolve("s" + declared), 8800).get(0).file();
        Path crafted = CraftedFragments.write(sample, declared, tmp.resolve("crafted-" + declared + ".dcm"));
        long size = Files.size(crafted);

        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        RenderException e = catchThrowableOfType(() -> renderer.render(crafted), RenderException.class);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf(
                "declared fragment of %,d bytes in a %,d-byte file: refused after allocating %,d bytes: %s%n",
                declared, size, allocated, e == null ? null : e.getMessage());

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("fragment-length");
        assertThat(e.getMessage())
                .contains("fragment 1")
                .contains("declares " + declared + " bytes")
                .contains("only 16 remain");
        // The decoder would have allocated the declared length; the check reads headers only.
        assertThat(allocated).isLessThan(16L * 1024 * 1024);
    }

    @Test
    void implicitVrPixelDataDeclaringMoreThanTheFileIsRefusedWithoutTheAllocation() throws Exception {
        // Found by the fuzz corpus: PixelMed keeps such a value on disk and allocated its declared 2 GB when read.
        Path sample = SampleStudies.write(tmp.resolve("implicit"), 8802).get(0).file();
        Path implicit =
                SampleTranscoder.transcode(sample, SampleTranscoder.Syntax.IMPLICIT_LE, tmp.resolve("implicit-le"));
        byte[] b = Files.readAllBytes(implicit);
        int tag = lastIndexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00});
        java.nio.ByteBuffer.wrap(b, tag + 4, 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(0x7FFFFFF0);
        Files.write(implicit, b);
        RenderException e = catchThrowableOfType(() -> renderer.render(implicit), RenderException.class);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("declared-length");
        assertThat(e.getMessage()).contains("Pixel Data declares 2147483632 bytes but the file holds " + b.length);
    }

    static int lastIndexOf(byte[] b, byte[] what) {
        for (int i = b.length - what.length; i >= 0; i--) {
            if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void wellFormedFilesPass() throws Exception {
        for (SampleStudies.Sample s : SampleStudies.write(tmp.resolve("ok"), 8801)) {
            DeclaredLengths.check(s.file());
        }
    }
}
