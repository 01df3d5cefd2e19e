package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.scp.DicomStatus;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Does a large STOW-RS body stay out of memory? Two 128 MiB instances (256 MiB in all: buffering
 * one part, let alone the body, would exceed the bound below) are generated on the fly into a FIFO
 * that curl uploads, chunked or with a Content-Length; nothing holds the body. curl runs in its own process so that, while it uploads, a sampler in this JVM
 * (the service's) sees only the service: heap retained after an explicit GC, Netty's direct
 * memory and the process RSS. Buffering the body anywhere (Vert.x, Quarkus REST, our parser) would
 * retain hundreds of MB. The instances (8192 x 8192) are then refused by the dimension guard, so
 * the test also proves every byte reached the parser.
 *
 * <p>Measured (2-core machine, load average ~17): +0.3 to +2.4 MB heap, +8 to +14 MB RSS for 256 MiB, both transfer
 * modes (with 512 MiB before: +3.5 MB heap, +2 to +13 MB RSS).
 * With java.net.http as the client inside this JVM the same code showed +520 MB, which is why the
 * client is a separate process.
 */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class StowLargeBodyTest {

    private static final int PARTS = 2;
    private static final int SIDE = 8192;
    private static final long PIXEL_BYTES = (long) SIDE * SIDE * 2;

    @TestHTTPResource("/dicomweb/studies")
    URI studies;

    @ParameterizedTest(name = "Content-Length known: {0}")
    @ValueSource(booleans = {false, true})
    void largeBodyIsStreamedNotBuffered(boolean contentLength) throws Exception {
        byte[] header = dicomHeader();
        String boundary = "big-" + UUID.randomUUID();
        GeneratedBody body = new GeneratedBody(boundary, header, PARTS, PIXEL_BYTES);

        Sampler sampler = new Sampler();
        long start = System.nanoTime();
        sampler.start();
        // curl in its own process is the client, so the sampler sees only the service's memory; the body is
        // generated into a FIFO that curl uploads as it is written, never held anywhere.
        Path fifo = Files.createTempDirectory("stow-fifo").resolve("body");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        Path out = fifo.resolveSibling("response.json");
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "-X",
                "POST",
                "-T",
                fifo.toString(),
                "-o",
                out.toString(),
                "-w",
                "%{http_code}",
                "-H",
                "Expect:",
                "-H",
                "Content-Type: multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                "-H",
                "Authorization: Bearer " + TestTokens.local().token("router", "stow"),
                studies.toString()));
        if (contentLength) {
            // Without it curl streams a FIFO chunked; with it, "Transfer-Encoding:" stops curl sending both (a 400).
            command.addAll(List.of("-H", "Content-Length: " + body.length(), "-H", "Transfer-Encoding:"));
        }
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream pipe = Files.newOutputStream(fifo)) {
            body.transferTo(pipe);
        } catch (IOException e) {
            curl.waitFor();
            throw new AssertionError(
                    "curl stopped reading: " + new String(curl.getInputStream().readAllBytes()) + " "
                            + (Files.exists(out) ? Files.readString(out) : ""),
                    e);
        } finally {
            curl.getOutputStream().close();
        }
        String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        curl.waitFor();
        sampler.stop();
        String responseBody = Files.readString(out);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "STOW-RS large body (%s): %,d bytes in %d parts, %.1f s (%.0f MB/s); heap retained after GC: "
                        + "baseline %,d, peak growth %,d; Netty direct: peak growth %,d; RSS: baseline %,d, peak growth %,d "
                        + "(%d samples)%n",
                contentLength ? "Content-Length" : "chunked",
                body.length(),
                PARTS,
                seconds,
                body.length() / 1e6 / seconds,
                sampler.heapBaseline,
                sampler.heapGrowth.get(),
                sampler.directGrowth.get(),
                sampler.rssBaseline,
                sampler.rssGrowth.get(),
                sampler.samples.get());

        assertThat(status).as(responseBody).isEqualTo("409");
        JsonNode failed =
                new ObjectMapper().readTree(responseBody).path("00081198").path("Value");
        assertThat(failed).hasSize(PARTS);
        for (JsonNode f : failed) {
            assertThat(f.path("00081197").path("Value").get(0).asInt()).isEqualTo(DicomStatus.OUT_OF_RESOURCES);
            assertThat(f.path("00000902").path("Value").get(0).asText()).contains("exceeds the limit");
        }
        assertThat(sampler.samples.get()).as("samples taken during the upload").isGreaterThan(2);
        // Only buffering (a whole part or the whole body) comes near a third of the body.
        assertThat(sampler.heapGrowth.get() + sampler.directGrowth.get()).isLessThan(body.length() / 3);
    }

    /** A frontal chest sample's data set, 8192 x 8192 x 16 bit, up to and including the Pixel Data header. */
    private static byte[] dicomHeader() throws Exception {
        Path dir = Files.createTempDirectory("stow-large");
        SampleStudies.Sample s = SampleStudies.write(dir, 6161).get(0);
        AttributeList list = new AttributeList();
        list.read(s.file().toFile());
        list.remove(TagFromName.PixelData);
        list.replaceWithValueIfPresent(TagFromName.Rows, String.valueOf(SIDE));
        list.replaceWithValueIfPresent(TagFromName.Columns, String.valueOf(SIDE));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dicom = new DicomOutputStream(
                out, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian)) {
            list.write(dicom);
        }
        ByteBuffer pixelData = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        pixelData
                .putShort((short) 0x7FE0)
                .putShort((short) 0x0010)
                .put((byte) 'O')
                .put((byte) 'W')
                .putShort((short) 0)
                .putInt((int) PIXEL_BYTES);
        out.writeBytes(pixelData.array());
        return out.toByteArray();
    }

    /** The multipart body, produced as it is read: fixed segments plus {@code pixelBytes} of filler per part. */
    static final class GeneratedBody extends InputStream {
        private final List<Object> segments = new ArrayList<>(); // byte[] or Long (filler length)
        private final long length;
        private int segment;
        private long offset;

        GeneratedBody(String boundary, byte[] dicomHeader, int parts, long pixelBytes) {
            segments.add("preamble\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < parts; i++) {
                segments.add(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                segments.add(dicomHeader);
                segments.add(pixelBytes);
                segments.add("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            segments.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            long n = 0;
            for (Object s : segments) {
                n += s instanceof byte[] b ? b.length : (Long) s;
            }
            length = n;
        }

        long length() {
            return length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (segment < segments.size()) {
                Object s = segments.get(segment);
                long size = s instanceof byte[] bytes ? bytes.length : (Long) s;
                if (offset < size) {
                    int n = (int) Math.min(len, size - offset);
                    if (s instanceof byte[] bytes) {
                        System.arraycopy(bytes, (int) offset, b, off, n);
                    } else {
                        for (int i = 0; i < n; i++) {
                            b[off + i] = (byte) (0x20 + ((offset + i) % 64)); // a gradient, never "\r\n--"
                        }
                    }
                    offset += n;
                    return n;
                }
                segment++;
                offset = 0;
            }
            return -1;
        }
    }

    /** Samples retained heap (after an explicit GC), Netty direct memory and RSS every 250 ms. */
    static final class Sampler {
        final AtomicLong heapGrowth = new AtomicLong();
        final AtomicLong directGrowth = new AtomicLong();
        final AtomicLong rssGrowth = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        long heapBaseline;
        long directBaseline;
        long rssBaseline;
        private Thread thread;

        void start() {
            heapBaseline = retainedHeap();
            directBaseline = direct();
            rssBaseline = rss();
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            heapGrowth.accumulateAndGet(retainedHeap() - heapBaseline, Math::max);
                            directGrowth.accumulateAndGet(direct() - directBaseline, Math::max);
                            rssGrowth.accumulateAndGet(rss() - rssBaseline, Math::max);
                            samples.incrementAndGet();
                            try {
                                Thread.sleep(250);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "stow-memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        private static long retainedHeap() {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        /** Netty's own count when it tracks direct memory, else its pooled allocator's. */
        private static long direct() {
            long tracked = PlatformDependent.usedDirectMemory();
            return tracked >= 0
                    ? tracked
                    : PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        }

        private static long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (Exception e) {
                // not Linux: RSS is only printed
            }
            return 0;
        }
    }
}
