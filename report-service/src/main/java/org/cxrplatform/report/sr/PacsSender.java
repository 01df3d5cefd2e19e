package org.cxrplatform.report.sr;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxSender;

/**
 * Sends a queued SR: destination PACS by C-STORE or, with {@code cxr.report.pacs.protocol=STOW}, by STOW-RS;
 * destination STOW by STOW-RS to {@code cxr.report.stow.url}. Anything but a success is retried by the outbox.
 * Before storing to the PACS (C-STORE or STOW-RS), an SR without a patient (no PHI in events) gets the study's
 * patient from that PACS ({@link PatientFromPacs}: C-FIND, or QIDO-RS); it is not stored until the PACS names one.
 */
@ApplicationScoped
public class PacsSender implements OutboxSender {

    @Inject
    ReportConfig config;

    @Override
    public String kind() {
        return OutboxEntry.DICOM_SR;
    }

    @Inject
    StowClient stow;

    @Override
    public String send(OutboxEntry entry) throws Exception {
        if (SrExporter.STOW_DESTINATION.equals(entry.destination())) {
            // a further archive, not necessarily holding the study: the SR goes as it was made
            return stow.store(
                    config.stow()
                            .url()
                            .orElseThrow(() -> new IllegalStateException(
                                    "cxr.report.stow.url is no longer set; the SR waits until it is configured again")),
                    entry.messageId(),
                    entry.payload());
        }
        ReportConfig.Pacs pacs = config.pacs();
        if (pacs.protocol() == ReportConfig.PacsProtocol.STOW) {
            URI base =
                    pacs.stowUrl().orElseThrow(() -> new IllegalStateException("cxr.report.pacs.stow-url is not set"));
            // Without PHI in events the SR has no patient: ask this PACS for its study's, or wait (throws, retried).
            PatientFromPacs.Filled sr = PatientFromPacs.qido(
                            base, config.stow().authorization(), config.stow().timeout())
                    .fill(entry.payload());
            return stow.store(base, entry.messageId(), sr.bytes()) + note(sr);
        }
        PatientFromPacs.Filled sr = PatientFromPacs.cFind(
                        pacs.host(), pacs.port(), pacs.aeTitle(), pacs.callingAeTitle())
                .fill(entry.payload());
        return cStore(entry.messageId(), sr.bytes()) + note(sr);
    }

    private static String note(PatientFromPacs.Filled sr) {
        return sr.fromPacs() ? ", patient from the PACS's study" : "";
    }

    private String cStore(String messageId, byte[] part10) throws Exception {
        ReportConfig.Pacs pacs = config.pacs();
        Path file = Files.createTempFile("cxr-sr-", ".dcm");
        try {
            Files.write(file, part10);
            SetOfDicomFiles files = new SetOfDicomFiles();
            files.add(file.toString());
            int[] outcome = new int[3];
            MultipleInstanceTransferStatusHandler handler = new MultipleInstanceTransferStatusHandler() {
                @Override
                public void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUid) {
                    outcome[0] = completed;
                    outcome[1] = failed;
                    outcome[2] = warning;
                }
            };
            StorageSOPClassSCU scu = new StorageSOPClassSCU(
                    pacs.host(), pacs.port(), pacs.aeTitle(), pacs.callingAeTitle(), files, 0, handler, 0);
            if (scu.encounteredTrappedExceptions() || outcome[1] > 0 || outcome[0] + outcome[2] < 1) {
                throw new IOException("C-STORE of " + messageId + " to " + pacs.aeTitle() + "@" + pacs.host() + ":"
                        + pacs.port() + " failed (completed " + outcome[0] + ", failed " + outcome[1] + ", warning "
                        + outcome[2] + ")");
            }
            return outcome[2] > 0 ? "stored with warning" : "stored";
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
