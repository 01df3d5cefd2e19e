package org.cxrplatform.ingest.stow;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.cxrplatform.ingest.scp.DicomStatus;
import org.cxrplatform.ingest.scp.InstanceSink;
import org.cxrplatform.ingest.scp.StoreOutcome;
import org.cxrplatform.ingest.scp.StoreRequest;
import org.jboss.logging.Logger;

/**
 * STOW-RS (PS3.18 §10.5) on top of the C-STORE pipeline: each {@code application/dicom} part of a
 * {@code multipart/related} body is streamed into a spool {@code .part} file (never held in
 * memory) and handed to the same {@link InstanceSink} as a C-STORE, so selection, lanes,
 * rendering, the dead-letter path and the moment of the success ({@code cxr.ingest.acknowledge}) are identical.
 * A part that is not DICOM, too large, of the wrong media type or of another study (when the
 * request names one) fails on its own; the other parts go on.
 *
 * <p>Thread-safe (no state per request).
 */
public final class StowReceiver {

    private static final Logger LOG = Logger.getLogger(StowReceiver.class);

    /** PS3.18 failure reason: the instance's study differs from the one in the request URL. */
    public static final int STUDY_MISMATCH = 0xA900;
    /** Calling AE title recorded for instances received by STOW-RS (lane rules may name it). */
    public static final String CALLING_AE = "STOW-RS";

    /** One part's result. UIDs are null when the part could not be read as DICOM. */
    public record InstanceResult(
            String sopClassUid, String sopInstanceUid, String studyInstanceUid, StoreOutcome outcome) {}

    /** The whole request's result; {@link #httpStatus()} follows PS3.18 (200 all, 202 some, 409 none). */
    public record Result(List<InstanceResult> instances) {
        public int httpStatus() {
            long ok = instances.stream().filter(i -> i.outcome().success()).count();
            if (ok == instances.size() && ok > 0) {
                return 200;
            }
            return ok > 0 ? 202 : 409;
        }
    }

    private final InstanceSink sink;
    private final Path incomingDir;
    private final long maxInstanceBytes;

    public StowReceiver(InstanceSink sink, Path incomingDir, long maxInstanceBytes) {
        this.sink = sink;
        this.incomingDir = incomingDir;
        this.maxInstanceBytes = maxInstanceBytes;
    }

    /**
     * Reads the whole body and stores each part.
     *
     * @param studyUid the study named in the URL, or null for {@code POST /studies}
     * @throws IOException when the body is not multipart at all (no boundary found) or cannot be read
     *                     before the first part; a body truncated later fails its last part only
     */
    public Result receive(InputStream body, String boundary, String studyUid, String remote) throws IOException {
        MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);
        List<InstanceResult> results = new ArrayList<>();
        while (true) {
            boolean more;
            try {
                more = reader.nextPart();
            } catch (IOException e) {
                if (results.isEmpty()) {
                    throw e;
                }
                LOG.warnf("STOW from %s: body unreadable after %d parts: %s", remote, results.size(), e.getMessage());
                break;
            }
            if (!more) {
                break;
            }
            results.add(part(reader, studyUid, remote));
        }
        return new Result(results);
    }

    private InstanceResult part(MultipartRelatedReader reader, String studyUid, String remote) throws IOException {
        String type = reader.headers().getOrDefault("content-type", "application/dicom");
        String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/dicom")) {
            reader.copyBody(OutputStream.nullOutputStream(), 0);
            return failed(
                    null, DicomStatus.CANNOT_UNDERSTAND, "part media type " + mediaType + " is not application/dicom");
        }
        Path part = incomingDir.resolve(UUID.randomUUID() + ".part");
        long n;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 64 * 1024)) {
            n = reader.copyBody(out, maxInstanceBytes);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            return failed(null, DicomStatus.CANNOT_UNDERSTAND, "part truncated: " + e.getMessage());
        }
        if (n < 0) {
            Files.deleteIfExists(part);
            return failed(null, DicomStatus.OUT_OF_RESOURCES, "instance larger than " + maxInstanceBytes + " bytes");
        }
        String sopClass = null;
        String sopInstance = null;
        String study = null;
        try {
            AttributeList list = new AttributeList();
            list.read(part.toFile(), TagFromName.PixelData);
            sopClass =
                    blankToNull(com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID));
            sopInstance = blankToNull(
                    com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID));
            study = blankToNull(
                    com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID));
        } catch (Exception | OutOfMemoryError e) {
            // The pipeline refuses it with the precise reason (and deletes the file).
        }
        if (studyUid != null && study != null && !studyUid.equals(study)) {
            Files.deleteIfExists(part);
            return new InstanceResult(
                    sopClass,
                    sopInstance,
                    study,
                    StoreOutcome.failure(
                            STUDY_MISMATCH, "instance of study " + study + " posted to study " + studyUid));
        }
        StoreOutcome outcome;
        try {
            outcome = sink.store(new StoreRequest(part, sopClass, sopInstance, null, CALLING_AE, null, Instant.now()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "STOW part from %s failed", remote);
            outcome = StoreOutcome.failure(DicomStatus.PROCESSING_FAILURE, "processing failure");
        }
        return new InstanceResult(sopClass, sopInstance, study, outcome);
    }

    private static InstanceResult failed(String sop, int status, String why) {
        return new InstanceResult(null, sop, null, StoreOutcome.failure(status, why));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
