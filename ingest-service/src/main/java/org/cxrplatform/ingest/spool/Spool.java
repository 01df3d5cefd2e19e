package org.cxrplatform.ingest.spool;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The on-disk spool of received instances. The SCP streams a data set into
 * {@code incoming/<uuid>.part}; {@link #commit} writes a small sidecar (calling AE, move
 * originator, receive time) and renames the file to {@code incoming/<uuid>.dcm} atomically, so a
 * {@code .dcm} is always complete. A committed file is deleted once its event is acknowledged by
 * Kafka ({@link #delete}), or moved to {@code quarantine/} when it goes to the dead-letter topic.
 * After a crash, {@link #pending()} lists the committed files to process again, and
 * {@link #removePartials()} drops the incomplete ones (their senders never got a success).
 * {@code attempts/} counts, per SOP Instance UID, the runs that died while decoding it ({@link Attempts});
 * {@code service-died/} remembers the instances quarantined for that ({@link #markServiceDied}), so a copy sent again
 * is recognised ({@link #serviceDied}).
 *
 * <p>Thread-safe (operations are per file).
 */
public final class Spool {

    /** A committed instance and what the sidecar says about it. */
    public record Entry(Path file, String callingAe, String moveOriginatorAe, Instant receivedAt) {}

    private final Path incoming;
    private final Path quarantine;
    private final Attempts attempts;
    private final Path quarantined;

    public Spool(Path root) {
        this.incoming = root.resolve("incoming");
        this.quarantine = root.resolve("quarantine");
        this.quarantined = root.resolve("service-died");
        try {
            Files.createDirectories(incoming);
            Files.createDirectories(quarantine);
            Files.createDirectories(quarantined);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create spool folders under " + root, e);
        }
        this.attempts = new Attempts(root.resolve("attempts"));
    }

    /** The deaths of earlier runs per instance, and the decodes of this run that would count as one. */
    public Attempts attempts() {
        return attempts;
    }

    public Path incomingDir() {
        return incoming;
    }

    public Path quarantineDir() {
        return quarantine;
    }

    /** Where {@link #commit} will put a {@code .part} file. */
    public Path committedPath(Path part) {
        return incoming.resolve(part.getFileName().toString().replaceFirst("\\.part$", "") + ".dcm");
    }

    /**
     * Makes a fully received {@code .part} file a spool entry.
     *
     * @param durable fsync the data set, its sidecar and the rename before returning: the entry then survives a
     *                crash of the machine, not only of the service
     */
    public Entry commit(Path part, String callingAe, String moveOriginatorAe, Instant receivedAt, boolean durable)
            throws IOException {
        String base = part.getFileName().toString().replaceFirst("\\.part$", "");
        Path sidecar = incoming.resolve(base + ".properties");
        Properties p = new Properties();
        p.setProperty("callingAe", callingAe == null ? "" : callingAe);
        p.setProperty("moveOriginatorAe", moveOriginatorAe == null ? "" : moveOriginatorAe);
        p.setProperty("receivedAt", receivedAt.toString());
        try (Writer w = Files.newBufferedWriter(sidecar)) {
            p.store(w, null);
        }
        if (durable) {
            force(part);
            force(sidecar);
        }
        Path dcm = incoming.resolve(base + ".dcm");
        move(part, dcm);
        if (durable) {
            force(incoming); // the directory: the rename itself
        }
        return new Entry(dcm, callingAe, moveOriginatorAe, receivedAt);
    }

    private static void force(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Removes an entry whose event Kafka acknowledged (or that was refused). */
    public void delete(Entry entry) {
        try {
            Files.deleteIfExists(entry.file());
            Files.deleteIfExists(sidecar(entry.file()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete spool entry " + entry.file(), e);
        }
    }

    /** Moves an entry into quarantine and returns where it now lives. */
    public Path quarantine(Entry entry) throws IOException {
        Path target = quarantine.resolve(entry.file().getFileName());
        move(entry.file(), target);
        Files.deleteIfExists(sidecar(entry.file()));
        // its retention counts from now (a move keeps the time it was received)
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        return target;
    }

    /** Deletes quarantined files quarantined before {@code cutoff}; returns them. */
    public List<Path> purgeQuarantine(Instant cutoff) {
        List<Path> purged = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(quarantine)) {
            for (Path f : ds) {
                if (Files.isRegularFile(f)
                        && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(f);
                    purged.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot purge " + quarantine, e);
        }
        return purged;
    }

    /** Committed entries not yet acknowledged, oldest first. */
    public List<Entry> pending() {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming, "*.dcm")) {
            for (Path f : ds) {
                out.add(read(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + incoming, e);
        }
        out.sort((a, b) -> a.receivedAt().compareTo(b.receivedAt()));
        return out;
    }

    /** Deletes partial files left by a crash; returns how many. */
    public int removePartials() {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming, "*.part")) {
            for (Path f : ds) {
                Files.deleteIfExists(f);
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + incoming, e);
        }
        return n;
    }

    /** Remembers (for good: one empty file per instance) that {@code sopInstanceUid} was quarantined as service-died. */
    public void markServiceDied(String sopInstanceUid) throws IOException {
        Path marker = quarantined.resolve(uidFile(sopInstanceUid));
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    /** Whether {@code sopInstanceUid} was quarantined because the service died processing it. */
    public boolean serviceDied(String sopInstanceUid) {
        return Files.exists(quarantined.resolve(uidFile(sopInstanceUid)));
    }

    /** A file name for a SOP Instance UID (which may hold characters a file name must not). */
    static String uidFile(String sopInstanceUid) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(sopInstanceUid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes currently held in the spool (incoming and quarantine). */
    public long sizeBytes() {
        return size(incoming) + size(quarantine);
    }

    /** Committed files waiting for Kafka. */
    public long pendingCount() {
        try (Stream<Path> s = Files.list(incoming)) {
            return s.filter(f -> f.toString().endsWith(".dcm")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // deleted meanwhile
                        }
                    })
                    .sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private Entry read(Path dcm) throws IOException {
        Path sidecar = sidecar(dcm);
        Properties p = new Properties();
        if (Files.exists(sidecar)) {
            try (Reader r = Files.newBufferedReader(sidecar)) {
                p.load(r);
            }
        }
        String receivedAt = p.getProperty("receivedAt");
        return new Entry(
                dcm,
                blankToNull(p.getProperty("callingAe")),
                blankToNull(p.getProperty("moveOriginatorAe")),
                receivedAt == null ? Files.getLastModifiedTime(dcm).toInstant() : Instant.parse(receivedAt));
    }

    private static Path sidecar(Path dcm) {
        return dcm.resolveSibling(dcm.getFileName().toString().replaceFirst("\\.dcm$", "") + ".properties");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
