package org.cxrplatform.evaluation.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code generations.jsonl}: the model's reports, one line per study, appended and forced to disk
 * after every batch, so that a run that was killed resumes where it stopped. On open, a last line
 * cut short by the kill is dropped (the file is truncated after the last complete line); a bad
 * line before it, or a line written by another model, is an error rather than silently mixed in.
 */
public final class GenerationLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Generated> done;
    private final int repairedBytes;
    private FileChannel channel;

    private GenerationLog(Path file, Map<String, Generated> done, int repairedBytes) {
        this.file = file;
        this.done = done;
        this.repairedBytes = repairedBytes;
    }

    public static GenerationLog open(Path file) throws IOException {
        Map<String, Generated> done = new LinkedHashMap<>();
        int repaired = 0;
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            int lineNumber = 0;
            long goodEnd = 0;
            while (start < bytes.length) {
                int nl = indexOf(bytes, (byte) '\n', start);
                lineNumber++;
                boolean complete = nl >= 0;
                int end = complete ? nl : bytes.length;
                String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                Generated g = null;
                if (!line.isBlank()) {
                    try {
                        g = JSON.readValue(line, Generated.class);
                    } catch (IOException e) {
                        if (complete && end + 1 < bytes.length) {
                            throw new IllegalStateException(file + " line " + lineNumber
                                    + " is not a generation record ("
                                    + e.getMessage().lines().findFirst().orElse("")
                                    + "); fix or remove the file to start over");
                        }
                    }
                }
                if (!complete || (g == null && !line.isBlank())) {
                    // the interrupted tail: an unfinished or unreadable last line
                    break;
                }
                if (g != null) {
                    done.put(g.id(), g);
                }
                goodEnd = end + 1;
                start = end + 1;
            }
            if (goodEnd < bytes.length) {
                repaired = (int) (bytes.length - goodEnd);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(goodEnd);
                    ch.force(true);
                }
            }
        }
        return new GenerationLog(file, done, repaired);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == b) return i;
        return -1;
    }

    /** Studies already generated, by id, in the order they were written. */
    public Map<String, Generated> done() {
        return Collections.unmodifiableMap(done);
    }

    /** Bytes of an interrupted last line that were dropped on open (0 when the file was clean). */
    public int repairedBytes() {
        return repairedBytes;
    }

    /** Refuses to resume a log written by another model. */
    public void requireSource(String sourceId) {
        for (Generated g : done.values()) {
            if (!g.source().equals(sourceId)) {
                throw new IllegalStateException(file + " holds reports of '" + g.source() + "' (study " + g.id()
                        + "), not of '" + sourceId + "': use another --out folder for another model");
            }
        }
    }

    /** Appends the batch and forces it to disk. */
    public void append(Iterable<Generated> batch) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        StringBuilder lines = new StringBuilder();
        for (Generated g : batch) {
            lines.append(JSON.writeValueAsString(g)).append('\n');
        }
        ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        for (Generated g : batch) {
            done.put(g.id(), g);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
