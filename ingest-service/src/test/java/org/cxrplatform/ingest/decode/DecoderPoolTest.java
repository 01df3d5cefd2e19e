package org.cxrplatform.ingest.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;
import org.cxrplatform.ingest.support.CrashInputs;
import org.cxrplatform.ingest.support.DecoderWorkers;
import org.cxrplatform.testsupport.ManagedProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native decoding in real worker processes: a real native crash (GDCM/OpenJPEG on a JPEG 2000 whose Columns
 * disagree with its code stream) and a worker that stops answering each cost one decode with the reason, and
 * the pool replaces the worker and decodes the next instance.
 */
class DecoderPoolTest {

    @TempDir
    static Path tmp;

    static Path jpegLs;
    static Path crash;

    @BeforeAll
    static void inputs() {
        SampleStudies.Sample sample =
                SampleStudies.write(tmp.resolve("samples"), 4242).get(0);
        jpegLs = SampleTranscoder.transcode(sample.file(), SampleTranscoder.Syntax.JPEG_LS, tmp.resolve("jls"));
        crash = CrashInputs.jpeg2000WithColumnsOne(sample.file(), tmp.resolve("crash.dcm"));
    }

    @Test
    void aWorkerIsTheFirstProcessTheKernelKillsWhenMemoryRunsOut() throws Exception {
        try (DecoderPool pool = DecoderWorkers.start(
                tmp.resolve("oom-pool"), new SimpleMeterRegistry(), Map.of("cxr.ingest.decoders.workers", "1"))) {
            pool.decodeFirstFrame(jpegLs); // the worker has started and answered
            long pid = pool.pids().get(0);
            assertThat(java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj"))
                            .trim())
                    .isEqualTo("1000");
        }
    }

    @Test
    void aNativeCrashCostsOneDecodeAndTheWorkerIsReplaced() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (DecoderPool pool =
                DecoderWorkers.start(tmp.resolve("crash-pool"), metrics, Map.of("cxr.ingest.decoders.workers", "1"))) {
            NativeDecoder.Frame before = pool.decodeFirstFrame(jpegLs);
            List<Long> first = pool.pids();
            assertThatThrownBy(() -> pool.decodeFirstFrame(crash)).isInstanceOfSatisfying(RenderException.class, e -> {
                assertThat(e.code()).isEqualTo("decoder-crashed");
                assertThat(e.getMessage()).containsPattern("killed by signal (6|11) \\((SIGABRT|SIGSEGV)\\)");
            });
            NativeDecoder.Frame after = pool.decodeFirstFrame(jpegLs); // waits for the replacement
            assertThat(after.bytes()).isEqualTo(before.bytes());
            assertThat(after.via()).isEqualTo("gdcm-jni-worker");
            assertThat(pool.pids()).hasSize(1).doesNotContainAnyElementsOf(first);
            assertThat(metrics.counter("cxr.ingest.decoder.restarts", "cause", "crashed")
                            .count())
                    .isEqualTo(1.0);
            assertThat(pool.ready()).isTrue();
        }
    }

    @Test
    void aWorkerThatStopsAnsweringIsKilledAtTheTimeLimitAndReplaced() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (DecoderPool pool = DecoderWorkers.start(
                tmp.resolve("hang-pool"),
                metrics,
                Map.of("cxr.ingest.decoders.workers", "1", "cxr.ingest.decoders.timeout", "3s"))) {
            pool.decodeFirstFrame(jpegLs);
            long stuck = pool.pids().get(0);
            ManagedProcess.signal("STOP", stuck); // a hung decoder, as far as the service can tell
            assertThatThrownBy(() -> pool.decodeFirstFrame(jpegLs)).isInstanceOfSatisfying(RenderException.class, e -> {
                assertThat(e.code()).isEqualTo("decoder-timeout");
                assertThat(e.getMessage()).contains("pid " + stuck).contains("3000 ms");
            });
            assertThat(ProcessHandle.of(stuck).map(ProcessHandle::isAlive).orElse(false))
                    .as("hung worker killed")
                    .isFalse();
            await().atMost(Duration.ofSeconds(90)).until(() -> pool.live() == 1);
            assertThat(pool.decodeFirstFrame(jpegLs).width()).isEqualTo(512);
            assertThat(metrics.counter("cxr.ingest.decoder.restarts", "cause", "timeout")
                            .count())
                    .isEqualTo(1.0);
        }
    }
}
