package org.cxrplatform.e2e.harness;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.devstack.samples.SampleStudies;

/**
 * Makes as many distinct studies as a run needs from devstack's sample studies: same pixels and
 * acquisition, new Study/Series/SOP Instance UIDs, accession number and patient. Two studies made
 * from the same template have identical pixel data, so the greedy model must read them alike.
 *
 * <p>Thread-safe.
 */
public final class StudyFactory {

    /** Sample templates by what they are. */
    public enum Template {
        /** CR, PA, MONOCHROME2, routine. */
        ROUTINE_PA("01-cr-pa-mono2-12bit"),
        /** CR lateral of the same kind: ingest skips it. */
        LATERAL("02-cr-lateral-mono2-12bit"),
        /** DX, PA, MONOCHROME1 with a VOI LUT. */
        ROUTINE_DX("03-dx-pa-mono1-14bit-voilut"),
        /** DX, AP, RequestedProcedurePriority STAT from the emergency department. */
        STAT_AP("04-dx-ap-stat-ed-16bit"),
        /** Signed 16-bit without window. */
        SIGNED("05-dx-pa-signed-nowindow"),
        /** Not a chest: ingest skips it. */
        HAND("06-cr-hand");

        final String label;

        Template(String label) {
            this.label = label;
        }
    }

    /** What was made, for the assertions. */
    public record Study(
            Path file,
            Template template,
            String studyInstanceUid,
            String sopInstanceUid,
            String accessionNumber,
            String patientName,
            String patientId,
            String birthDate) {}

    private final Path dir;
    private final String runTag;
    private final List<SampleStudies.Sample> samples;
    private final Map<Template, AttributeList> templates = new EnumMap<>(Template.class);
    private final AtomicLong counter = new AtomicLong();

    /** @param runTag 1-4 letters/digits distinguishing this run's accessions and patients from other runs' */
    public StudyFactory(Path dir, String runTag) {
        this.dir = dir;
        this.runTag = runTag;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.samples = SampleStudies.write(dir.resolve("samples"), SampleStudies.DEFAULT_SEED);
    }

    /** The unmodified devstack samples (patients SAMPLE^JANE^A and others). */
    public List<SampleStudies.Sample> samples() {
        return samples;
    }

    public static String newUid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b =
                ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    /** A new study from {@code template} for a new patient, written under this factory's folder. */
    public Study make(Template template) {
        long n = counter.incrementAndGet();
        String birth =
                LocalDate.of(1930, 1, 1).plusDays((n * 37) % 30000).toString().replace("-", "");
        return make(template, n, String.format("P%s%07d", runTag, n), "E2E" + runTag + "^PATIENT" + n, birth);
    }

    /** A new study from {@code template} for the patient of {@code earlier} (same ID, name, birth date). */
    public Study makeFor(Template template, Study earlier) {
        return make(
                template, counter.incrementAndGet(), earlier.patientId(), earlier.patientName(), earlier.birthDate());
    }

    private Study make(Template template, long n, String patientId, String patientName, String birth) {
        String accession = String.format("E%s%07d", runTag, n);
        if (accession.length() > 16) {
            throw new IllegalStateException("accession too long: " + accession);
        }
        String studyUid = newUid();
        String sopUid = newUid();
        Path file = dir.resolve(accession + ".dcm");
        synchronized (this) {
            AttributeList list = template(template);
            try {
                set(list, TagFromName.StudyInstanceUID, studyUid);
                set(list, TagFromName.SeriesInstanceUID, newUid());
                set(list, TagFromName.SOPInstanceUID, sopUid);
                set(list, TagFromName.AccessionNumber, accession);
                set(list, TagFromName.PatientName, patientName);
                set(list, TagFromName.PatientID, patientId);
                set(list, TagFromName.PatientBirthDate, birth);
                FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "CXRE2E");
                list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Study(file, template, studyUid, sopUid, accession, patientName, patientId, birth);
    }

    /** A copy of a template as an attribute list, to build broken variants from. */
    public synchronized AttributeList copyOf(Template template) {
        AttributeList list = new AttributeList();
        try {
            list.read(samplePath(template).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        return list;
    }

    public Path samplePath(Template template) {
        return samples.stream()
                .filter(s -> s.label().equals(template.label))
                .findFirst()
                .orElseThrow()
                .file();
    }

    public Path dir() {
        return dir;
    }

    private AttributeList template(Template t) {
        return templates.computeIfAbsent(t, this::copyOf);
    }

    public static void set(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = list.putNewAttribute(tag);
        a.addValue(value);
    }
}
