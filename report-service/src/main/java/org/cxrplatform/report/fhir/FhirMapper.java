package org.cxrplatform.report.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.FindingCodes;
import org.cxrplatform.report.store.StoredReport;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * FHIR R4 form of a report: a DiagnosticReport (LOINC 18748-4, category RAD) with one contained
 * Observation per finding (SNOMED CT finding, state as valueCodeableConcept) and a contained Device
 * (the model: name, version, weights digest) each Observation names; the text as conclusion and
 * presentedForm; the study as imagingStudy (identifier urn:dicom:uid); the order as basedOn
 * (ServiceRequest by placer number and accession); the patient as subject when events carry PHI
 * (without PHI there is no subject: the order identifies the patient at the receiver). Every
 * resource declares the FHIR R4 core profile of its type (validated offline with HAPI's validator).
 * Status: DRAFT preliminary, ACCEPTED final, EDITED final on its first signature and corrected
 * after that, REJECTED cancelled.
 */
public final class FhirMapper {

    public static final String REPORT_ID_SYSTEM = "urn:cxrplatform:report-id";
    public static final String ACCESSION_SYSTEM = "urn:cxrplatform:accession";
    public static final String PLACER_SYSTEM = "urn:cxrplatform:placer-order";
    static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    private static final FhirContext CONTEXT = FhirContext.forR4Cached();

    private FhirMapper() {}

    public static FhirContext context() {
        return CONTEXT;
    }

    public static String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return CONTEXT.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource);
    }

    public static DiagnosticReport diagnosticReport(StoredReport r) {
        DiagnosticReport dr = new DiagnosticReport();
        dr.setId(r.reportId());
        dr.getMeta().addProfile(CORE + "DiagnosticReport");
        dr.addIdentifier().setSystem(REPORT_ID_SYSTEM).setValue(r.reportId());
        if (r.accessionNumber() != null) {
            Identifier acc = dr.addIdentifier().setSystem(ACCESSION_SYSTEM).setValue(r.accessionNumber());
            acc.getType().addCoding().setSystem(V2_0203).setCode("ACSN");
        }
        DiagnosticReport.DiagnosticReportStatus status = switch (r.status()) {
            case DRAFT -> DiagnosticReport.DiagnosticReportStatus.PRELIMINARY;
            case ACCEPTED -> DiagnosticReport.DiagnosticReportStatus.FINAL;
            case EDITED ->
                r.signatures() > 1
                        ? DiagnosticReport.DiagnosticReportStatus.CORRECTED
                        : DiagnosticReport.DiagnosticReportStatus.FINAL;
            case REJECTED -> DiagnosticReport.DiagnosticReportStatus.CANCELLED;
        };
        dr.setStatus(status);
        dr.addCategory()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/v2-0074")
                .setCode("RAD")
                .setDisplay("Radiology");
        dr.getCode()
                .addCoding()
                .setSystem("http://loinc.org")
                .setCode("18748-4")
                .setDisplay("Diagnostic imaging study");
        Reference subject = null;
        if (r.patient() != null && r.patient().id() != null) {
            subject = new Reference()
                    .setIdentifier(new Identifier()
                            .setSystem(
                                    r.patient().issuer() == null
                                            ? null
                                            : "urn:cxrplatform:patient-issuer:"
                                                    + r.patient().issuer())
                            .setValue(r.patient().id()))
                    .setDisplay(r.patient().name())
                    .setType("Patient");
            subject.getIdentifier().getType().addCoding().setSystem(V2_0203).setCode("MR");
            dr.setSubject(subject);
        }
        dr.setEffective(new DateTimeType(Date.from(r.createdAt())));
        dr.setIssued(Date.from(r.reviewedAt() != null ? r.reviewedAt() : r.updatedAt()));
        dr.addPerformer().setDisplay("AI model " + r.modelVersion());
        if (r.reviewedBy() != null) {
            dr.addResultsInterpreter().setDisplay(r.reviewedBy());
        }
        dr.addImagingStudy()
                .setIdentifier(new Identifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + r.studyInstanceUid()))
                .setType("ImagingStudy");
        Reference order = new Reference().setType("ServiceRequest");
        String placer = r.source() == null ? null : r.source().placerOrderNumber();
        if (placer != null) {
            order.setIdentifier(new Identifier().setSystem(PLACER_SYSTEM).setValue(placer));
            order.getIdentifier().getType().addCoding().setSystem(V2_0203).setCode("PLAC");
        } else if (r.accessionNumber() != null) {
            order.setIdentifier(new Identifier().setSystem(ACCESSION_SYSTEM).setValue(r.accessionNumber()));
            order.getIdentifier().getType().addCoding().setSystem(V2_0203).setCode("ACSN");
        }
        if (order.hasIdentifier()) {
            dr.addBasedOn(order);
        }
        Device device = device(r);
        dr.addContained(device);
        dr.setConclusion(r.text());
        dr.addPresentedForm(new Attachment()
                .setContentType("text/plain; charset=utf-8")
                .setLanguage("en")
                .setData(r.text().getBytes(StandardCharsets.UTF_8))
                .setTitle("Chest radiograph report"));
        Observation.ObservationStatus obsStatus = switch (status) {
            case FINAL -> Observation.ObservationStatus.FINAL;
            case CORRECTED -> Observation.ObservationStatus.CORRECTED;
            case CANCELLED -> Observation.ObservationStatus.CANCELLED;
            default -> Observation.ObservationStatus.PRELIMINARY;
        };
        for (Map.Entry<Finding, FindingState> f : r.findings().entrySet()) {
            Observation o = new Observation();
            o.setId("finding-" + f.getKey().name().toLowerCase().replace('_', '-'));
            o.getMeta().addProfile(CORE + "Observation");
            o.setDevice(new Reference("#" + device.getIdPart()));
            o.setStatus(obsStatus);
            o.addCategory()
                    .addCoding()
                    .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
                    .setCode("imaging");
            FindingCodes.Code code = FindingCodes.of(f.getKey());
            o.setCode(new CodeableConcept(new Coding(code.fhirSystem(), code.value(), code.meaning()))
                    .setText(f.getKey().display()));
            FindingCodes.Code state = FindingCodes.of(f.getValue());
            o.setValue(new CodeableConcept(new Coding(state.fhirSystem(), state.value(), state.meaning()))
                    .setText(f.getValue().name()));
            if (subject != null) {
                o.setSubject(subject);
            }
            o.setEffective(new DateTimeType(Date.from(r.createdAt())));
            dr.addContained(o);
            dr.addResult(new Reference("#" + o.getIdElement().getIdPart()));
        }
        return dr;
    }

    /** The model as a Device: name, version (prompt version and weights digest), what kind of device. */
    static Device device(StoredReport r) {
        Device d = new Device();
        d.setId("model");
        d.getMeta().addProfile(CORE + "Device");
        d.setManufacturer("CXR Platform");
        d.addDeviceName().setName(r.model().modelId()).setType(Device.DeviceNameType.MODELNAME);
        d.addVersion().setValue(r.modelVersion());
        if (r.model().weightsSha256() != null) {
            d.addVersion().setValue(r.model().weightsSha256()).getType().setText("weights digest");
        }
        d.getType().setText("AI model generating draft radiology reports");
        return d;
    }

    public static Bundle searchSet(List<StoredReport> reports, String selfUrl) {
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.SEARCHSET);
        b.setTotal(reports.size());
        b.addLink().setRelation("self").setUrl(selfUrl);
        for (StoredReport r : reports) {
            b.addEntry()
                    .setFullUrl("DiagnosticReport/" + r.reportId())
                    .setResource(diagnosticReport(r))
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return b;
    }
}
