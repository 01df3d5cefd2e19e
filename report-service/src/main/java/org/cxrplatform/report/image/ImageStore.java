package org.cxrplatform.report.image;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Access to {@code study_image}; callers hold the transaction. */
@ApplicationScoped
public class ImageStore {

    @Inject
    Jdbi jdbi;

    /** @return true when stored, false when this SOP instance already had an image (re-delivery) */
    public boolean insert(
            String sopInstanceUid, String studyInstanceUid, byte[] png, int width, int height, String sha256) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "INSERT INTO study_image (sop_instance_uid, study_instance_uid, png, width, height,"
                                        + " sha256) VALUES (:sopInstanceUid, :studyInstanceUid, :png, :width, :height, :sha256) ON CONFLICT DO NOTHING")
                        .bind("sopInstanceUid", sopInstanceUid)
                        .bind("studyInstanceUid", studyInstanceUid)
                        .bind("png", png)
                        .bind("width", width)
                        .bind("height", height)
                        .bind("sha256", sha256)
                        .execute())
                == 1;
    }

    /** The PNG of a SOP instance, else the newest PNG of the study. */
    public Optional<byte[]> find(String sopInstanceUid, String studyInstanceUid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT png FROM study_image WHERE sop_instance_uid = :sop"
                        + " OR (study_instance_uid = :study AND NOT EXISTS (SELECT 1 FROM study_image WHERE sop_instance_uid = :sop))"
                        + " ORDER BY received_at DESC LIMIT 1")
                .bind("sop", sopInstanceUid == null ? "" : sopInstanceUid)
                .bind("study", studyInstanceUid)
                .mapTo(byte[].class)
                .findOne());
    }

    /**
     * Deletes images whose report (same SOP instance, any model version) was signed or rejected
     * before {@code signedBefore} and no draft of it is pending, and every image received before
     * {@code receivedBefore}.
     *
     * @return rows deleted
     */
    public int purge(Instant signedBefore, Instant receivedBefore) {
        return jdbi.withHandle(
                h -> h.createUpdate("DELETE FROM study_image i WHERE i.received_at < :receivedBefore OR (EXISTS"
                                + " (SELECT 1 FROM report r WHERE r.sop_instance_uid = i.sop_instance_uid AND r.status <> 'DRAFT'"
                                + " AND r.reviewed_at < :signedBefore) AND NOT EXISTS (SELECT 1 FROM report r"
                                + " WHERE r.sop_instance_uid = i.sop_instance_uid AND r.status = 'DRAFT'))")
                        .bind("receivedBefore", receivedBefore)
                        .bind("signedBefore", signedBefore)
                        .execute());
    }
}
