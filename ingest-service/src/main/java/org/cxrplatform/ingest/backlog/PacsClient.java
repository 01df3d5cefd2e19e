package org.cxrplatform.ingest.backlog;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MoveSOPClassSCU;
import com.pixelmed.network.ResponseStatus;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.ingest.audit.IngestAudit;

/**
 * C-FIND and C-MOVE against the configured PACS (Study Root), with PixelMed's SCUs.
 *
 * <p>Thread-safe (each call opens its own association).
 */
public class PacsClient {

    /** An instance on the PACS. */
    public record Found(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid) {}

    private final String host;
    private final int port;
    private final String pacsAe;
    private final String ourAe;
    protected volatile IngestAudit audit = IngestAudit.NONE;

    /**
     * @param ourAe our AE title: the calling AE of the queries and the C-MOVE destination (the PACS must know it)
     */
    public PacsClient(String host, int port, String pacsAe, String ourAe) {
        this.host = host;
        this.port = port;
        this.pacsAe = pacsAe;
        this.ourAe = ourAe;
    }

    /** Where each query to the PACS is audited (110112). */
    public PacsClient audit(IngestAudit audit) {
        this.audit = audit;
        return this;
    }

    /** Every instance of the series matching the request, walking study → series → image levels. */
    public List<Found> find(JobRequest request) throws Exception {
        String range = request.from().format(DateTimeFormatter.BASIC_ISO_DATE) + "-"
                + request.to().format(DateTimeFormatter.BASIC_ISO_DATE);
        AttributeList studyQuery = query("STUDY");
        put(studyQuery, TagFromName.StudyDate, range);
        put(studyQuery, TagFromName.StudyInstanceUID, null);
        put(studyQuery, TagFromName.ModalitiesInStudy, request.modality());
        List<Found> out = new ArrayList<>();
        for (AttributeList study : cfind(studyQuery)) {
            String studyUid = Attribute.getSingleStringValueOrNull(study, TagFromName.StudyInstanceUID);
            if (studyUid == null) {
                continue;
            }
            AttributeList seriesQuery = query("SERIES");
            put(seriesQuery, TagFromName.StudyInstanceUID, studyUid);
            put(seriesQuery, TagFromName.SeriesInstanceUID, null);
            put(seriesQuery, TagFromName.Modality, request.modality());
            put(seriesQuery, TagFromName.BodyPartExamined, request.bodyPart());
            for (AttributeList series : cfind(seriesQuery)) {
                String seriesUid = Attribute.getSingleStringValueOrNull(series, TagFromName.SeriesInstanceUID);
                // Client-side check too: not every PACS matches on every series key.
                if (seriesUid == null
                        || !matches(series, TagFromName.Modality, request.modality())
                        || !matches(series, TagFromName.BodyPartExamined, request.bodyPart())) {
                    continue;
                }
                AttributeList imageQuery = query("IMAGE");
                put(imageQuery, TagFromName.StudyInstanceUID, studyUid);
                put(imageQuery, TagFromName.SeriesInstanceUID, seriesUid);
                put(imageQuery, TagFromName.SOPInstanceUID, null);
                for (AttributeList image : cfind(imageQuery)) {
                    String sop = Attribute.getSingleStringValueOrNull(image, TagFromName.SOPInstanceUID);
                    if (sop != null) {
                        out.add(new Found(studyUid, seriesUid, sop));
                    }
                }
            }
        }
        return out;
    }

    /** C-MOVE of one instance to our SCP; returns normally once the PACS reports the sub-operation done. */
    public void move(Found item) throws Exception {
        AttributeList id = query("IMAGE");
        put(id, TagFromName.StudyInstanceUID, item.studyInstanceUid());
        put(id, TagFromName.SeriesInstanceUID, item.seriesInstanceUid());
        put(id, TagFromName.SOPInstanceUID, item.sopInstanceUid());
        MoveSOPClassSCU move = new MoveSOPClassSCU(
                host, port, pacsAe, ourAe, ourAe, SOPClass.StudyRootQueryRetrieveInformationModelMove, id);
        int status = move.getStatus();
        if (status != ResponseStatus.Success) {
            throw new IllegalStateException(String.format("C-MOVE status 0x%04X", status));
        }
    }

    /** Study Instance UIDs of the studies with this Accession Number (Study level C-FIND). */
    public List<String> studiesByAccession(String accessionNumber) throws Exception {
        AttributeList q = query("STUDY");
        put(q, TagFromName.AccessionNumber, accessionNumber);
        put(q, TagFromName.StudyInstanceUID, null);
        List<String> out = new ArrayList<>();
        for (AttributeList study : cfind(q)) {
            String uid = Attribute.getSingleStringValueOrNull(study, TagFromName.StudyInstanceUID);
            if (uid != null && !uid.isBlank() && !out.contains(uid.trim())) {
                out.add(uid.trim());
            }
        }
        return out;
    }

    /** C-MOVE of a whole study to our SCP; returns once the PACS reports every sub-operation done. */
    public void moveStudy(String studyInstanceUid) throws Exception {
        AttributeList id = query("STUDY");
        put(id, TagFromName.StudyInstanceUID, studyInstanceUid);
        MoveSOPClassSCU move = new MoveSOPClassSCU(
                host, port, pacsAe, ourAe, ourAe, SOPClass.StudyRootQueryRetrieveInformationModelMove, id);
        int status = move.getStatus();
        if (status != ResponseStatus.Success) {
            throw new IllegalStateException(String.format("C-MOVE status 0x%04X", status));
        }
    }

    private List<AttributeList> cfind(AttributeList identifier) throws Exception {
        List<AttributeList> results = new ArrayList<>();
        boolean ok = false;
        try {
            find(identifier, results);
            ok = true;
        } finally {
            audit.queried(
                    pacsAe, "C-FIND " + SOPClass.StudyRootQueryRetrieveInformationModelFind, identifier::toString, ok);
        }
        return results;
    }

    private void find(AttributeList identifier, List<AttributeList> results) throws Exception {
        new FindSOPClassSCU(
                host,
                port,
                pacsAe,
                ourAe,
                SOPClass.StudyRootQueryRetrieveInformationModelFind,
                identifier,
                new IdentifierHandler() {
                    @Override
                    public void doSomethingWithIdentifier(AttributeList id) {
                        results.add(id);
                    }
                });
    }

    private static AttributeList query(String level) throws DicomException {
        AttributeList list = new AttributeList();
        put(list, TagFromName.QueryRetrieveLevel, level);
        return list;
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = list.putNewAttribute(tag);
        if (value != null) {
            a.addValue(value);
        }
    }

    private static boolean matches(AttributeList list, AttributeTag tag, String wanted) {
        if (wanted == null) {
            return true;
        }
        String v = Attribute.getSingleStringValueOrNull(list, tag);
        return v == null || v.trim().equalsIgnoreCase(wanted);
    }
}
