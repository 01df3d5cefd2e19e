package org.cxrplatform.report.sr;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cxrplatform.contracts.EventJson;

/**
 * Fills the Patient module of an SR that has none (events carry no PHI unless a site allows it) from the PACS
 * the SR is about to be stored to, right before the store: a Study Root C-FIND at STUDY level on the SR's Study
 * Instance UID ({@link #cFind}), or its DICOMweb counterpart QIDO-RS {@code GET {base}/studies?StudyInstanceUID=}
 * ({@link #qido}) for a PACS reached by STOW-RS. The PACS then files the SR with the study it holds. The patient is
 * never on Kafka nor in the outbox table; it only travels between the PACS and this service.
 *
 * <p>Refuses (throws, so the outbox retries and finally parks the entry) rather than store an SR without its
 * patient: when the PACS cannot be asked, does not hold the study (yet: a router may forward to us before the
 * modality's copy reaches the PACS), answers without a Patient ID, or names more than one patient.
 *
 * <p>Thread-safe: each call opens its own association or request.
 */
public final class PatientFromPacs {

    /** Patient module (PS3.3 C.7.1.1), copied whenever the SR has no Patient ID. */
    static final List<AttributeTag> PATIENT = List.of(
            TagFromName.PatientName,
            TagFromName.PatientID,
            TagFromName.IssuerOfPatientID,
            TagFromName.PatientBirthDate,
            TagFromName.PatientSex);
    /** General Study attributes copied only where the SR has none (reports of events without the source facts). */
    static final List<AttributeTag> STUDY_IF_EMPTY = List.of(
            TagFromName.AccessionNumber,
            TagFromName.StudyDate,
            TagFromName.StudyTime,
            TagFromName.StudyID,
            TagFromName.ReferringPhysicianName);

    /** Every key the C-FIND/QIDO asks back: the patient's, then the study's. */
    static final List<AttributeTag> RETURN_KEYS =
            Stream.concat(PATIENT.stream(), STUDY_IF_EMPTY.stream()).toList();

    /** The SR to store, and whether its patient came from the PACS. */
    public record Filled(byte[] bytes, boolean fromPacs) {}

    /** One way of asking the PACS for the studies with a Study Instance UID, with the return keys above. */
    interface StudyQuery {
        List<AttributeList> studies(String studyInstanceUid) throws IOException;

        /** The PACS and how it is asked, for messages. */
        String describe();
    }

    private final StudyQuery query;

    private PatientFromPacs(StudyQuery query) {
        this.query = query;
    }

    /** Study Root C-FIND at the PACS {@code pacsAe@host:port}, calling as {@code callingAe} (the PACS must admit it). */
    public static PatientFromPacs cFind(String host, int port, String pacsAe, String callingAe) {
        return new PatientFromPacs(new CFind(host, port, pacsAe, callingAe));
    }

    /** QIDO-RS at the DICOMweb base URL the SR is stored to by STOW-RS, with its Authorization header if any. */
    public static PatientFromPacs qido(URI base, Optional<String> authorization, Duration timeout) {
        return new PatientFromPacs(new Qido(base, authorization, timeout));
    }

    /** The SR as it is when it names its patient; otherwise the SR with the patient the PACS holds for its study. */
    public Filled fill(byte[] part10) throws IOException, DicomException {
        AttributeList sr = read(part10);
        if (!Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.PatientID)
                .isBlank()) {
            return new Filled(part10, false);
        }
        String study = Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.StudyInstanceUID);
        AttributeList answer = studyAtPacs(study);
        // New attributes in the SR's character set (UTF-8): PixelMed decoded the answer from the PACS's own.
        String[] declared = Attribute.getStringValues(sr, TagFromName.SpecificCharacterSet);
        SpecificCharacterSet charset = new SpecificCharacterSet(declared == null ? new String[0] : declared);
        for (AttributeTag tag : PATIENT) {
            copy(answer, sr, tag, charset);
        }
        for (AttributeTag tag : STUDY_IF_EMPTY) {
            if (Attribute.getSingleStringValueOrEmptyString(sr, tag).isBlank()) {
                copy(answer, sr, tag, charset);
            }
        }
        String sourceAe = Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.SourceApplicationEntityTitle);
        sr.removeGroupLengthAttributes();
        sr.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(sr, TransferSyntax.ExplicitVRLittleEndian, sourceAe);
        ByteArrayOutputStream out = new ByteArrayOutputStream(part10.length + 256);
        sr.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return new Filled(out.toByteArray(), true);
    }

    /** The PACS's one answer for the study, or the reason why there is none. */
    AttributeList studyAtPacs(String studyInstanceUid) throws IOException {
        if (studyInstanceUid.isBlank()) {
            throw new IOException("the SR names no Study Instance UID: no patient can be looked up for it");
        }
        List<AttributeList> answers;
        try {
            answers = query.studies(studyInstanceUid);
        } catch (IOException e) {
            throw new IOException(
                    "asking " + query.describe() + " for the patient of study " + studyInstanceUid + " failed: "
                            + e.getMessage() + "; the SR is not stored without its patient",
                    e);
        }
        if (answers.isEmpty()) {
            throw new IOException(query.describe() + " holds no study " + studyInstanceUid
                    + ": the SR waits for the study to arrive there");
        }
        long patients = answers.stream()
                .map(a -> Attribute.getSingleStringValueOrEmptyString(a, TagFromName.IssuerOfPatientID) + "|"
                        + Attribute.getSingleStringValueOrEmptyString(a, TagFromName.PatientID))
                .distinct()
                .count();
        if (patients > 1) {
            throw new IOException(query.describe() + " names " + patients + " patients for study " + studyInstanceUid
                    + ": the SR is not filed to one of them by guess");
        }
        if (Attribute.getSingleStringValueOrEmptyString(answers.get(0), TagFromName.PatientID)
                .isBlank()) {
            throw new IOException(query.describe() + " answered for study " + studyInstanceUid
                    + " without a Patient ID: the SR is not stored without its patient");
        }
        return answers.get(0);
    }

    /** Study Root C-FIND, STUDY level (PixelMed's SCU; a failure status throws). */
    private record CFind(String host, int port, String pacsAe, String callingAe) implements StudyQuery {

        @Override
        public List<AttributeList> studies(String studyInstanceUid) throws IOException {
            List<AttributeList> answers = new ArrayList<>();
            try {
                AttributeList keys = new AttributeList();
                put(keys, TagFromName.QueryRetrieveLevel, "STUDY");
                put(keys, TagFromName.StudyInstanceUID, studyInstanceUid);
                for (AttributeTag tag : RETURN_KEYS) {
                    put(keys, tag, null);
                }
                new FindSOPClassSCU(
                        host,
                        port,
                        pacsAe,
                        callingAe,
                        SOPClass.StudyRootQueryRetrieveInformationModelFind,
                        keys,
                        new IdentifierHandler() {
                            @Override
                            public void doSomethingWithIdentifier(AttributeList answer) {
                                answers.add(answer);
                            }
                        });
            } catch (Exception e) {
                throw new IOException("C-FIND: " + e.getMessage(), e);
            }
            return answers;
        }

        @Override
        public String describe() {
            return "the PACS " + pacsAe + "@" + host + ":" + port + " (C-FIND, STUDY level)";
        }
    }

    /** QIDO-RS (PS3.18 §10.6) {@code GET {base}/studies?StudyInstanceUID=…&includefield=…}, DICOM JSON answers. */
    private record Qido(URI base, Optional<String> authorization, Duration timeout) implements StudyQuery {

        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        @Override
        public List<AttributeList> studies(String studyInstanceUid) throws IOException {
            StringBuilder url = new StringBuilder(base.toString().replaceAll("/+$", ""))
                    .append("/studies?StudyInstanceUID=")
                    .append(URLEncoder.encode(studyInstanceUid, StandardCharsets.US_ASCII));
            for (AttributeTag tag : RETURN_KEYS) {
                url.append("&includefield=").append(hex(tag));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString()))
                    .timeout(timeout)
                    .header("Accept", "application/dicom+json")
                    .GET();
            authorization.ifPresent(a -> request.header("Authorization", a));
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("QIDO-RS interrupted", e);
            }
            if (response.statusCode() == 204) {
                return List.of();
            }
            if (response.statusCode() != 200) {
                throw new IOException("QIDO-RS answered " + response.statusCode());
            }
            List<AttributeList> answers = new ArrayList<>();
            try {
                for (JsonNode study : EventJson.mapper().readTree(response.body())) {
                    AttributeList answer = new AttributeList();
                    for (AttributeTag tag : RETURN_KEYS) {
                        JsonNode first = study.path(hex(tag)).path("Value").path(0);
                        // a Person Name is an object with its Alphabetic group (PS3.18 F.2.2)
                        String value =
                                first.isObject() ? first.path("Alphabetic").asText("") : first.asText("");
                        if (!value.isEmpty()) {
                            answer.putNewAttribute(tag).addValue(value);
                        }
                    }
                    answers.add(answer);
                }
            } catch (DicomException | RuntimeException e) {
                throw new IOException("QIDO-RS answer is not DICOM JSON: " + e.getMessage(), e);
            }
            return answers;
        }

        @Override
        public String describe() {
            return "the PACS at " + base + " (QIDO-RS)";
        }

        private static String hex(AttributeTag tag) {
            return String.format("%04X%04X", tag.getGroup(), tag.getElement());
        }
    }

    private static void copy(AttributeList from, AttributeList to, AttributeTag tag, SpecificCharacterSet charset)
            throws DicomException {
        String value = Attribute.getSingleStringValueOrEmptyString(from, tag).trim();
        if (!value.isEmpty()) {
            to.putNewAttribute(tag, charset).addValue(value);
        }
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = list.putNewAttribute(tag);
        if (value != null) {
            a.addValue(value);
        }
    }

    private static AttributeList read(byte[] part10) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(part10)));
        return list;
    }
}
