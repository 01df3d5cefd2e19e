package org.cxrplatform.report.sr;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.FindingCodes;
import org.cxrplatform.report.ReportConfig.SrKind;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * A DICOM Structured Report of one report version, in the original study (the General Study module
 * copied from the source study), in a series of its own per report. Comprehensive SR: a TID 1500
 * Imaging Measurement Report (IHE AI Results): the model as device observer, the procedure, an image
 * library with the image the model read, one measurement group with TID 4019 algorithm identification
 * and one qualitative evaluation per finding the report speaks of (SNOMED CT finding =
 * present/absent/undetermined), the text. Basic Text SR: the text only, no template. Drafts are PARTIAL/UNVERIFIED with Preliminary Flag PRELIMINARY; signed versions
 * are COMPLETE/VERIFIED with the radiologist as verifying observer. Plain PixelMed, no I/O.
 */
public final class SrBuilder {

    public static final String COMPREHENSIVE_SR = SOPClass.ComprehensiveSRStorage;
    public static final String BASIC_TEXT_SR = SOPClass.BasicTextSRStorage;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);
    private static final String AE = "CXR_AI";
    private static final String MANUFACTURER = "CXR Platform";
    /** Procedure reported when neither the order nor the header named one (as the ORU's OBR-4 fallback). */
    private static final SourceStudy.Procedure FALLBACK_PROCEDURE =
            new SourceStudy.Procedure("18748-4", "LN", "Diagnostic imaging study");
    /** (0040,A496) Preliminary Flag. */
    private static final AttributeTag PRELIMINARY_FLAG = new AttributeTag(0x0040, 0xA496);

    private SrBuilder() {}

    /** A new SR instance without predecessor; returns the Part 10 bytes (explicit VR little endian). */
    public static Built build(
            StoredReport r, ResultStatus status, String actor, Instant at, SrKind kind, String organization) {
        return build(r, status, actor, at, kind, organization, null);
    }

    /**
     * A new SR instance; when {@code predecessor} is given (the earlier SR of the same report) it is
     * named in the Predecessor Documents Sequence, so a PACS can tell this version replaces it.
     */
    public static Built build(
            StoredReport r,
            ResultStatus status,
            String actor,
            Instant at,
            SrKind kind,
            String organization,
            Built predecessor) {
        try {
            String sopClass = kind == SrKind.BASIC_TEXT ? BASIC_TEXT_SR : COMPREHENSIVE_SR;
            String sopInstanceUid = newUid();
            AttributeList list = new AttributeList();
            ContentItemFactory f = new ContentItemFactory();
            ContentItem root = kind == SrKind.COMPREHENSIVE
                    ? measurementReport(f, r, status, actor)
                    : basicText(f, r, status, actor);
            list.putAll(new StructuredReport(root).getAttributeList());

            put(list, TagFromName.SpecificCharacterSet, "ISO_IR 192");
            put(list, TagFromName.SOPClassUID, sopClass);
            put(list, TagFromName.SOPInstanceUID, sopInstanceUid);
            put(list, TagFromName.InstanceCreationDate, DATE.format(at));
            put(list, TagFromName.InstanceCreationTime, TIME.format(at));
            // Patient (type 2: empty when events carry no PHI)
            Patient p = r.patient();
            put(list, TagFromName.PatientName, p == null ? null : p.name());
            put(list, TagFromName.PatientID, p == null ? null : p.id());
            put(
                    list,
                    TagFromName.PatientBirthDate,
                    p == null || p.birthDate() == null
                            ? null
                            : p.birthDate().toString().replace("-", ""));
            put(list, TagFromName.PatientSex, p == null ? null : p.sex());
            // General Study: copied from the source study, so the PACS files the SR with it (empty, type 2, if unknown)
            SourceStudy source = r.source();
            put(list, TagFromName.StudyInstanceUID, r.studyInstanceUid());
            put(
                    list,
                    TagFromName.StudyDate,
                    source == null || source.studyDate() == null
                            ? null
                            : source.studyDate().format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
            put(list, TagFromName.StudyTime, source == null ? null : source.studyTime());
            put(list, TagFromName.ReferringPhysicianName, source == null ? null : source.referringPhysicianName());
            put(list, TagFromName.StudyID, source == null ? null : source.studyId());
            put(list, TagFromName.AccessionNumber, r.accessionNumber());
            // SR Document Series
            put(list, TagFromName.Modality, "SR");
            put(list, TagFromName.SeriesInstanceUID, uidFrom("series|" + r.reportId()));
            put(list, TagFromName.SeriesNumber, "9901");
            put(list, TagFromName.SeriesDescription, "AI chest X-ray report");
            list.put(new SequenceAttribute(TagFromName.ReferencedPerformedProcedureStepSequence));
            // General Equipment
            put(list, TagFromName.Manufacturer, MANUFACTURER);
            put(list, TagFromName.ManufacturerModelName, "report-service");
            put(list, TagFromName.SoftwareVersions, truncate(r.modelVersion(), 64));
            // SR Document General
            put(list, TagFromName.InstanceNumber, Long.toString(at.toEpochMilli() % 100000000L));
            boolean signed = status != ResultStatus.PRELIMINARY;
            put(list, TagFromName.CompletionFlag, signed ? "COMPLETE" : "PARTIAL");
            put(list, TagFromName.VerificationFlag, signed ? "VERIFIED" : "UNVERIFIED");
            CodeStringAttribute preliminary =
                    new CodeStringAttribute(PRELIMINARY_FLAG); // not in PixelMed 20220618's dictionary
            preliminary.addValue(signed ? "FINAL" : "PRELIMINARY");
            list.put(preliminary);
            put(list, TagFromName.ContentDate, DATE.format(at));
            put(list, TagFromName.ContentTime, TIME.format(at));
            if (signed) {
                SequenceAttribute observers = new SequenceAttribute(TagFromName.VerifyingObserverSequence);
                AttributeList observer = new AttributeList();
                put(observer, TagFromName.VerifyingObserverName, actor);
                observer.put(new SequenceAttribute(TagFromName.VerifyingObserverIdentificationCodeSequence));
                put(observer, TagFromName.VerifyingOrganization, organization);
                put(observer, TagFromName.VerificationDateTime, DATE.format(at) + TIME.format(at));
                observers.addItem(observer);
                list.put(observers);
            }
            SequenceAttribute performed = new SequenceAttribute(TagFromName.PerformedProcedureCodeSequence);
            if (source != null
                    && source.procedure() != null
                    && source.procedure().scheme() != null) {
                performed.addItem(procedure(source.procedure()).getAttributeList());
            }
            list.put(performed);
            if (kind == SrKind.COMPREHENSIVE && hasImage(r)) {
                // the instances the content refers to (SR Document General Module, PS3.3 C.17.2)
                list.put(reference(
                        TagFromName.CurrentRequestedProcedureEvidenceSequence,
                        r.studyInstanceUid(),
                        r.source().seriesInstanceUid(),
                        r.source().sopClassUid(),
                        r.sopInstanceUid()));
            }
            if (predecessor != null) {
                list.put(reference(
                        TagFromName.PredecessorDocumentsSequence,
                        r.studyInstanceUid(),
                        uidFrom("series|" + r.reportId()),
                        predecessor.sopClassUid(),
                        predecessor.sopInstanceUid()));
            }

            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, AE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return new Built(sopClass, sopInstanceUid, out.toByteArray());
        } catch (DicomException | IOException e) {
            throw new IllegalStateException(
                    "cannot build the DICOM SR of report " + r.reportId() + ": " + e.getMessage(), e);
        }
    }

    /** TID 1500 Imaging Measurement Report, as IHE AI Results expects; the tree is described in docs/dicom-conformance.md. */
    private static ContentItem measurementReport(
            ContentItemFactory f, StoredReport r, ResultStatus status, String actor) throws DicomException {
        ContentItem root = f.makeContainerContentItem(
                null, null, code("126000", "DCM", "Imaging Measurement Report"), true, "DCMR", "1500");
        // TID 1204 Language of Content
        f.makeCodeContentItem(
                root,
                "HAS CONCEPT MOD",
                code("121049", "DCM", "Language of Content Item and Descendants"),
                code("en-US", "RFC5646", "English (United States)"));
        // TID 1001/1004 Observation Context: the device (the model) is the observer
        f.makeCodeContentItem(
                root, "HAS OBS CONTEXT", code("121005", "DCM", "Observer Type"), code("121007", "DCM", "Device"));
        f.makeUIDContentItem(
                root,
                "HAS OBS CONTEXT",
                code("121012", "DCM", "Device Observer UID"),
                uidFrom("device|" + r.modelVersion()));
        f.makeTextContentItem(
                root,
                "HAS OBS CONTEXT",
                code("121013", "DCM", "Device Observer Name"),
                truncate(r.model().modelId(), 64));
        f.makeTextContentItem(
                root, "HAS OBS CONTEXT", code("121014", "DCM", "Device Observer Manufacturer"), MANUFACTURER);
        f.makeTextContentItem(
                root,
                "HAS OBS CONTEXT",
                code("121015", "DCM", "Device Observer Model Name"),
                truncate(r.model().modelId(), 64));
        SourceStudy.Procedure procedure = r.source() != null
                        && r.source().procedure() != null
                        && r.source().procedure().scheme() != null
                ? r.source().procedure()
                : FALLBACK_PROCEDURE;
        f.makeCodeContentItem(
                root, "HAS CONCEPT MOD", code("121058", "DCM", "Procedure reported"), procedure(procedure));
        // TID 1600 Image Library: the image the model read
        ContentItem library =
                f.makeContainerContentItem(root, "CONTAINS", code("111028", "DCM", "Image Library"), true);
        if (hasImage(r)) {
            ContentItem group =
                    f.makeContainerContentItem(library, "CONTAINS", code("126200", "DCM", "Image Library Group"), true);
            f.makeImageContentItem(
                    group,
                    "CONTAINS",
                    null,
                    r.source().sopClassUid(),
                    r.sopInstanceUid(),
                    0,
                    0,
                    null,
                    null,
                    null,
                    null);
        }
        // TID 1501 Measurement Group: the findings as qualitative evaluations, with TID 4019 Algorithm Identification
        ContentItem measurements =
                f.makeContainerContentItem(root, "CONTAINS", code("126010", "DCM", "Imaging Measurements"), true);
        ContentItem group =
                f.makeContainerContentItem(measurements, "CONTAINS", code("125007", "DCM", "Measurement Group"), true);
        f.makeTextContentItem(
                group, "HAS OBS CONTEXT", code("112039", "DCM", "Tracking Identifier"), "AI chest radiograph findings");
        f.makeUIDContentItem(
                group,
                "HAS OBS CONTEXT",
                code("112040", "DCM", "Tracking Unique Identifier"),
                uidFrom("tracking|" + r.reportId()));
        f.makeTextContentItem(
                group,
                "HAS CONCEPT MOD",
                code("111001", "DCM", "Algorithm Name"),
                truncate(r.model().modelId(), 64));
        f.makeTextContentItem(group, "HAS CONCEPT MOD", code("111003", "DCM", "Algorithm Version"), r.modelVersion());
        f.makeTextContentItem(
                group,
                "HAS CONCEPT MOD",
                code("111002", "DCM", "Algorithm Parameters"),
                algorithmParameters(r.model()));
        for (Map.Entry<Finding, FindingState> e : r.findings().entrySet()) {
            if (e.getValue() == FindingState.NOT_MENTIONED) {
                continue; // the report says nothing about it: no evaluation, rather than a non-standard code
            }
            FindingCodes.Code finding = FindingCodes.of(e.getKey());
            FindingCodes.Code state = FindingCodes.of(e.getValue());
            f.makeCodeContentItem(
                    group,
                    "CONTAINS",
                    code(finding.value(), finding.scheme(), finding.meaning()),
                    code(state.value(), state.scheme(), state.meaning()));
        }
        // TID 1500 Qualitative Evaluations: the report text, and who stands behind this version
        ContentItem qualitative =
                f.makeContainerContentItem(root, "CONTAINS", code("C0034375", "UMLS", "Qualitative Evaluations"), true);
        f.makeTextContentItem(qualitative, "CONTAINS", code("121071", "DCM", "Finding"), r.text());
        f.makeTextContentItem(qualitative, "CONTAINS", code("121106", "DCM", "Comment"), comment(r, status, actor));
        return root;
    }

    /** Basic Text SR for PACS that take no Comprehensive SR: the text and the comment, no template. */
    private static ContentItem basicText(ContentItemFactory f, StoredReport r, ResultStatus status, String actor)
            throws DicomException {
        ContentItem root =
                f.makeContainerContentItem(null, null, code("18748-4", "LN", "Diagnostic Imaging Report"), true);
        ContentItem findings = f.makeContainerContentItem(root, "CONTAINS", code("121070", "DCM", "Findings"), true);
        f.makeTextContentItem(findings, "CONTAINS", code("121071", "DCM", "Finding"), r.text());
        f.makeTextContentItem(root, "CONTAINS", code("121106", "DCM", "Comment"), comment(r, status, actor));
        return root;
    }

    private static String comment(StoredReport r, ResultStatus status, String actor) {
        return "Generated by " + r.modelVersion()
                + (status == ResultStatus.PRELIMINARY
                        ? "; not yet reviewed by a radiologist"
                        : status == ResultStatus.WITHDRAWN
                                ? "; rejected by the radiologist, do not use"
                                : "; reviewed by " + actor);
    }

    /** TID 4019 Algorithm Parameters: the full weights digest, prompt version and decoding, which say exactly what ran. */
    static String algorithmParameters(ModelIdentity m) {
        return "weights " + (m.weightsSha256() == null ? "unknown" : m.weightsSha256()) + "; prompt "
                + m.promptVersion() + "; generation " + m.generation();
    }

    private static boolean hasImage(StoredReport r) {
        return r.source() != null
                && r.source().sopClassUid() != null
                && r.source().seriesInstanceUid() != null
                && r.sopInstanceUid() != null;
    }

    /** A sequence of one Hierarchical SOP Instance Reference (PS3.3 C.17.2.1): study, series, instance. */
    private static SequenceAttribute reference(
            AttributeTag tag, String studyUid, String seriesUid, String sopClass, String sopInstance)
            throws DicomException {
        AttributeList sop = new AttributeList();
        put(sop, TagFromName.ReferencedSOPClassUID, sopClass);
        put(sop, TagFromName.ReferencedSOPInstanceUID, sopInstance);
        SequenceAttribute sops = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
        sops.addItem(sop);
        AttributeList series = new AttributeList();
        put(series, TagFromName.SeriesInstanceUID, seriesUid);
        series.put(sops);
        SequenceAttribute seriesSeq = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        seriesSeq.addItem(series);
        AttributeList study = new AttributeList();
        put(study, TagFromName.StudyInstanceUID, studyUid);
        study.put(seriesSeq);
        SequenceAttribute references = new SequenceAttribute(tag);
        references.addItem(study);
        return references;
    }

    private static CodedSequenceItem procedure(SourceStudy.Procedure p) throws DicomException {
        return code(p.code(), p.scheme(), p.text() == null ? p.code() : p.text());
    }

    public record Built(String sopClassUid, String sopInstanceUid, byte[] bytes) {

        /** Reads the SOP Class and Instance UIDs back from stored Part 10 bytes. */
        public static Built of(byte[] part10) {
            try {
                AttributeList list = new AttributeList();
                list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(part10)));
                return new Built(
                        Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID),
                        Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID),
                        part10);
            } catch (IOException | DicomException e) {
                throw new IllegalStateException("stored SR is not readable DICOM: " + e.getMessage(), e);
            }
        }
    }

    private static CodedSequenceItem code(String value, String scheme, String meaning) throws DicomException {
        return new CodedSequenceItem(value, scheme, meaning);
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(tag);
        if (value != null && !value.isEmpty()) {
            a.addValue(value);
        }
        list.put(a);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** A UUID-derived UID (2.25 root, PS3.5 B.2). */
    static String newUid() {
        UUID u = UUID.randomUUID();
        return "2.25." + new BigInteger(1, toBytes(u));
    }

    /** A stable UID for a name, so every SR version of one report shares a series. */
    static String uidFrom(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            byte[] b = new byte[16];
            System.arraycopy(d, 0, b, 0, 16);
            return "2.25." + new BigInteger(1, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
