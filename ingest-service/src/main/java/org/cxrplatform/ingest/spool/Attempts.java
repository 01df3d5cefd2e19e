package org.cxrplatform.ingest.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How many runs of the service died while decoding an instance: what keeps a poison instance from crash-looping the
 * service. While an instance is being decoded (rendered, a decoder worker included), a file named after its SOP
 * Instance UID under {@code attempts/} holds the deaths recorded so far plus one; when the decode ends, whatever its
 * outcome, the file goes. So a file found when the service starts counts the runs that died decoding that instance.
 *
 * <p>One death counts once: the file is written when the first decode of the instance in this run begins, and copies
 * decoded concurrently (a router re-sending the instance while the first copy is still being decoded, the spool
 * recovery's copy and the router's after a restart) share it. An instance that was only received, queued for a
 * decode slot or waiting for Kafka when the service died is not counted: only decoding can kill the service.
 *
 * <p>Not fsync'd: the count has to outlive the process (kill -9, a JVM crash, the kernel's OOM killer), which the
 * page cache does; a crash of the whole machine loses at most one count, i.e. costs one more retry.
 *
 * <p>Thread-safe.
 */
public final class Attempts {

    private final Path dir;
    /** Deaths recorded by earlier runs, by counter file name; read once, at start. */
    private final Map<String, Integer> earlier = new HashMap<>();
    /** Decodes in progress in this run, by counter file name. */
    private final Map<String, Integer> open = new HashMap<>();

    /** Reads the counts that earlier runs left in {@code dir} (created when missing). */
    Attempts(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(f); // a write the death interrupted; the file it replaces holds the count
                    } else {
                        earlier.put(name, read(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attempt counters in " + dir, e);
        }
    }

    private static int read(Path counter) throws IOException {
        try {
            return Integer.parseInt(Files.readString(counter).trim());
        } catch (NumberFormatException e) {
            return 1; // unreadable: at least the run that wrote it died
        }
    }

    /** How many earlier runs died while decoding {@code sopInstanceUid}. */
    public synchronized int deaths(String sopInstanceUid) {
        return earlier.getOrDefault(Spool.uidFile(sopInstanceUid), 0);
    }

    /** A decode of {@code sopInstanceUid} begins: the first one in this run records a death should the run end now. */
    public synchronized void begin(String sopInstanceUid) throws IOException {
        String name = Spool.uidFile(sopInstanceUid);
        int decoding = open.getOrDefault(name, 0);
        if (decoding == 0) {
            Path counter = dir.resolve(name);
            Path tmp = dir.resolve(name + ".tmp");
            Files.writeString(tmp, Integer.toString(earlier.getOrDefault(name, 0) + 1), StandardCharsets.US_ASCII);
            Spool.move(tmp, counter); // atomic: a death mid-write leaves the previous count
        }
        open.put(name, decoding + 1);
    }

    /**
     * A decode of {@code sopInstanceUid} ended, whatever its outcome. When no other copy is being decoded the
     * instance's record goes: the service survived decoding it, so its earlier deaths were not its doing.
     */
    public synchronized void end(String sopInstanceUid) {
        String name = Spool.uidFile(sopInstanceUid);
        int decoding = open.getOrDefault(name, 0) - 1;
        if (decoding > 0) {
            open.put(name, decoding);
            return;
        }
        open.remove(name);
        forgetFile(name);
    }

    /** Drops the instance's record (it was quarantined for its deaths), unless a copy is being decoded right now. */
    public synchronized void forget(String sopInstanceUid) {
        String name = Spool.uidFile(sopInstanceUid);
        if (!open.containsKey(name)) {
            forgetFile(name);
        }
    }

    private void forgetFile(String name) {
        earlier.remove(name);
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the attempt counter " + dir.resolve(name), e);
        }
    }
}
