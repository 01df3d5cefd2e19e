package org.cxrplatform.ingest.backlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.contracts.EventJson;

/**
 * Backlog jobs as one JSON file each under a folder (this service has no database): written to a
 * temporary file and renamed, so a crash leaves the previous complete state.
 */
public final class JobStore {

    private final Path dir;
    private final ObjectMapper mapper = EventJson.mapper();

    public JobStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public void save(BacklogJob job) {
        Path target = dir.resolve(job.id + ".json");
        Path tmp = dir.resolve(job.id + ".json.tmp");
        try {
            mapper.writeValue(tmp.toFile(), job);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save job " + job.id, e);
        }
    }

    public List<BacklogJob> loadAll() {
        List<BacklogJob> jobs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : ds) {
                jobs.add(mapper.readValue(f.toFile(), BacklogJob.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jobs in " + dir, e);
        }
        jobs.sort((a, b) -> a.createdAt.compareTo(b.createdAt));
        return jobs;
    }
}
