package org.cxrplatform.report.sr;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.ris.OutboxEntry;
import org.cxrplatform.report.ris.OutboxSender;

/** C-STOREs a queued SR to the configured PACS; anything but a success status is retried by the outbox. */
@ApplicationScoped
public class PacsSender implements OutboxSender {

    @Inject
    ReportConfig config;

    @Override
    public String kind() {
        return OutboxEntry.DICOM_SR;
    }

    @Override
    public String send(OutboxEntry entry) throws Exception {
        ReportConfig.Pacs pacs = config.pacs();
        Path file = Files.createTempFile("cxr-sr-", ".dcm");
        try {
            Files.write(file, entry.payload());
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
            StorageSOPClassSCU scu = new StorageSOPClassSCU(pacs.host(), pacs.port(), pacs.aeTitle(), pacs.callingAeTitle(), files, 0,
                    handler, 0);
            if (scu.encounteredTrappedExceptions() || outcome[1] > 0 || outcome[0] + outcome[2] < 1) {
                throw new IOException("C-STORE of " + entry.messageId() + " to " + pacs.aeTitle() + "@" + pacs.host() + ":" + pacs.port()
                        + " failed (completed " + outcome[0] + ", failed " + outcome[1] + ", warning " + outcome[2] + ")");
            }
            return outcome[2] > 0 ? "stored with warning" : "stored";
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
