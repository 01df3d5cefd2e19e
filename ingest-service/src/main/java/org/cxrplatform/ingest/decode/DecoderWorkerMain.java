package org.cxrplatform.ingest.decode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;

/**
 * A decoder worker: a small JVM started by {@link DecoderProcess} that decodes one instance at a
 * time with native code, so a crash, hang or exhausted memory kills this process, not the service.
 *
 * <p>Protocol, one line each way per instance (UTF-8, tab-separated): the service writes
 * {@code DECODE <dicom file> <output file> <max frame bytes>}; the worker writes the decoded samples
 * to the output file and answers {@code @@cxr OK <width> <height> <bits allocated> <samples>
 * <photometric> <via>} or {@code @@cxr ERR <code> <message>}. At start it announces
 * {@code @@cxr READY <via>}. Native libraries may print to standard output too: the service reads
 * only lines with the prefix. The worker exits when its standard input closes or its parent dies.
 */
public final class DecoderWorkerMain {

    static final String PREFIX = "@@cxr ";

    private DecoderWorkerMain() {}

    /** Arguments: GDCM JNI library path, gdcmconv command, the service's pid. */
    public static void main(String[] args) throws Exception {
        PrintStream protocol =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but protocol lines from Java code on standard output
        watchParent(Long.parseLong(args[2]));
        firstToBeKilled();
        GdcmDecoder gdcm = new GdcmDecoder(Path.of(args[0]), args[1]);
        protocol.println(PREFIX + "READY\t" + gdcm.via());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split("\t");
            if (f.length != 4 || !f[0].equals("DECODE")) {
                protocol.println(PREFIX + "ERR\tprotocol\tunexpected request");
                continue;
            }
            protocol.println(PREFIX + answer(gdcm, Path.of(f[1]), Path.of(f[2]), Long.parseLong(f[3])));
        }
    }

    private static String answer(GdcmDecoder gdcm, Path in, Path out, long maxFrameBytes) {
        try {
            NativeDecoder.Frame frame = gdcm.decode(in, maxFrameBytes);
            Files.write(out, frame.bytes());
            return String.join(
                    "\t",
                    "OK",
                    Integer.toString(frame.width()),
                    Integer.toString(frame.height()),
                    Integer.toString(frame.bitsAllocated()),
                    Integer.toString(frame.samplesPerPixel()),
                    frame.photometric().isEmpty() ? "-" : frame.photometric(),
                    frame.via());
        } catch (RenderException e) {
            return "ERR\t" + e.code() + "\t" + oneLine(e.getMessage());
        } catch (Exception e) {
            return "ERR\tdecode\t" + oneLine(e.toString());
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\t', ' ');
    }

    /**
     * When the pod (cgroup) runs out of memory, the kernel kills the process with the highest OOM score: raising ours
     * to the maximum makes that a decoder worker (one instance dead-lettered, the worker replaced), not the service.
     * Any process may raise its own score; where there is no such file (not Linux) nothing changes.
     */
    private static void firstToBeKilled() {
        try {
            Files.writeString(Path.of("/proc/self/oom_score_adj"), "1000");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            System.err.println("oom_score_adj not raised: " + e);
        }
    }

    /** A worker outlives a killed service only for a second: a native decoder stuck in a loop never reads EOF. */
    private static void watchParent(long parentPid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Thread t = new Thread(
                () -> {
                    while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    Runtime.getRuntime().halt(0);
                },
                "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
