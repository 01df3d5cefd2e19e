package org.cxrplatform.report.image;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.cxrplatform.report.store.StoreException;

/** JDBC access to {@code study_image}; callers hold the transaction. */
@ApplicationScoped
public class ImageStore {

    @Inject
    AgroalDataSource dataSource;

    /** @return true when stored, false when this SOP instance already had an image (re-delivery) */
    public boolean insert(String sopInstanceUid, String studyInstanceUid, byte[] png, int width, int height, String sha256) {
        String sql = "INSERT INTO study_image (sop_instance_uid, study_instance_uid, png, width, height, sha256) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sopInstanceUid);
            ps.setString(2, studyInstanceUid);
            ps.setBytes(3, png);
            ps.setInt(4, width);
            ps.setInt(5, height);
            ps.setString(6, sha256);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot store the image of " + sopInstanceUid, e);
        }
    }

    /** The PNG of a SOP instance, else the newest PNG of the study. */
    public Optional<byte[]> find(String sopInstanceUid, String studyInstanceUid) {
        String sql = "SELECT png FROM study_image WHERE sop_instance_uid = ? OR (study_instance_uid = ? AND NOT EXISTS"
                + " (SELECT 1 FROM study_image WHERE sop_instance_uid = ?)) ORDER BY received_at DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sopInstanceUid == null ? "" : sopInstanceUid);
            ps.setString(2, studyInstanceUid);
            ps.setString(3, sopInstanceUid == null ? "" : sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the image of " + sopInstanceUid, e);
        }
    }

    /**
     * Deletes images whose report (same SOP instance, any model version) was signed or rejected
     * before {@code signedBefore} and no draft of it is pending, and every image received before
     * {@code receivedBefore}.
     *
     * @return rows deleted
     */
    public int purge(Instant signedBefore, Instant receivedBefore) {
        String sql = "DELETE FROM study_image i WHERE i.received_at < ? OR (EXISTS (SELECT 1 FROM report r WHERE r.sop_instance_uid ="
                + " i.sop_instance_uid AND r.status <> 'DRAFT' AND r.reviewed_at < ?) AND NOT EXISTS (SELECT 1 FROM report r WHERE"
                + " r.sop_instance_uid = i.sop_instance_uid AND r.status = 'DRAFT'))";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(receivedBefore));
            ps.setTimestamp(2, Timestamp.from(signedBefore));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot purge images", e);
        }
    }
}
