package org.cxrplatform.devstack.samples;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic chest X-ray studies that look like what a hospital's DICOM router sends, made with
 * PixelMed, deterministically from a seed: the same seed gives byte-identical files and the same
 * UIDs. Images are 512 x 600 with dark lung fields, a bright mediastinum, spine, ribs and
 * clavicles, so renderers and viewers show something chest-like; files stay around 600 KB.
 *
 * <p>The set covers CR and DX, MONOCHROME1 and MONOCHROME2, 12 to 16 bits stored (one signed),
 * window centre/width (two windows on one), a VOI LUT sequence, a rescale, PA, AP and LATERAL
 * views, a non-chest image (HAND) and a STAT study from the emergency department. All files are
 * Explicit VR Little Endian; {@link SampleTranscoder} re-encodes them into compressed transfer
 * syntaxes with DCMTK or GDCM at test time, so no binary is committed.
 *
 * <pre>{@code
 * java -cp <devstack classpath> org.cxrplatform.devstack.samples.SampleStudies OUT_DIR [SEED]
 * }</pre>
 *
 * <p>Thread-safe (no shared state).
 */
public final class SampleStudies {

    /** The seed {@code main} and the launcher's demo use when none is given. */
    public static final long DEFAULT_SEED = 20260131L;

    static final int ROWS = 600;
    static final int COLUMNS = 512;
    private static final AttributeTag REQUESTED_PROCEDURE_PRIORITY = new AttributeTag(0x0040, 0x1003);
    private static final String SOURCE_AE = "CXRSAMPLES";

    /** What one generated file is, and what a correct ingest does with it. */
    public record Sample(
            Path file,
            String label,
            String modality,
            String viewPosition,
            String bodyPart,
            String photometric,
            int bitsStored,
            boolean signed,
            boolean stat,
            String studyInstanceUid,
            String sopInstanceUid,
            String accessionNumber) {

        /** Chest and frontal (PA/AP): what ingest sends to inference. */
        public boolean frontalChest() {
            return "CHEST".equals(bodyPart) && ("PA".equals(viewPosition) || "AP".equals(viewPosition));
        }
    }

    private enum Anatomy {
        CHEST_PA,
        CHEST_AP,
        CHEST_LATERAL,
        HAND
    }

    private record Spec(
            String label,
            String modality,
            Anatomy anatomy,
            String view,
            String bodyPart,
            String photometric,
            int bitsStored,
            boolean signed,
            boolean stat,
            int patient,
            int study,
            int series,
            Windowing windowing) {}

    private enum Windowing {
        WINDOW,
        TWO_WINDOWS_AND_VOI_LUT,
        RESCALE_AND_WINDOW,
        NONE
    }

    private static final String[][] PATIENTS = {
        {"SAMPLE^JANE^A", "CXR0001001", "19560312", "F"},
        {"TESTER^MARCUS", "CXR0001002", "19781123", "M"},
        {"EXAMPLE^ROSA", "CXR0001003", "19410705", "F"},
        {"DEMO^KENJI", "CXR0001004", "19900217", "M"},
        {"PLACEHOLDER^AMINA", "CXR0001005", "20010930", "F"},
    };

    private static final List<Spec> SPECS = List.of(
            new Spec(
                    "01-cr-pa-mono2-12bit",
                    "CR",
                    Anatomy.CHEST_PA,
                    "PA",
                    "CHEST",
                    "MONOCHROME2",
                    12,
                    false,
                    false,
                    0,
                    0,
                    1,
                    Windowing.WINDOW),
            new Spec(
                    "02-cr-lateral-mono2-12bit",
                    "CR",
                    Anatomy.CHEST_LATERAL,
                    "LATERAL",
                    "CHEST",
                    "MONOCHROME2",
                    12,
                    false,
                    false,
                    0,
                    0,
                    2,
                    Windowing.WINDOW),
            new Spec(
                    "03-dx-pa-mono1-14bit-voilut",
                    "DX",
                    Anatomy.CHEST_PA,
                    "PA",
                    "CHEST",
                    "MONOCHROME1",
                    14,
                    false,
                    false,
                    1,
                    1,
                    1,
                    Windowing.TWO_WINDOWS_AND_VOI_LUT),
            new Spec(
                    "04-dx-ap-stat-ed-16bit",
                    "DX",
                    Anatomy.CHEST_AP,
                    "AP",
                    "CHEST",
                    "MONOCHROME2",
                    16,
                    false,
                    true,
                    2,
                    2,
                    1,
                    Windowing.RESCALE_AND_WINDOW),
            new Spec(
                    "05-dx-pa-signed-nowindow",
                    "DX",
                    Anatomy.CHEST_PA,
                    "PA",
                    "CHEST",
                    "MONOCHROME2",
                    16,
                    true,
                    false,
                    3,
                    3,
                    1,
                    Windowing.NONE),
            new Spec(
                    "06-cr-hand",
                    "CR",
                    Anatomy.HAND,
                    "PA",
                    "HAND",
                    "MONOCHROME2",
                    12,
                    false,
                    false,
                    4,
                    4,
                    1,
                    Windowing.WINDOW));

    private SampleStudies() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: SampleStudies OUT_DIR [SEED]");
            System.exit(2);
        }
        long seed = args.length == 2 ? Long.parseLong(args[1]) : DEFAULT_SEED;
        for (Sample s : write(Path.of(args[0]), seed)) {
            System.out.printf(
                    "%s  %s %s %s %s %d-bit%s%s%n",
                    s.file(),
                    s.modality(),
                    s.bodyPart(),
                    s.viewPosition(),
                    s.photometric(),
                    s.bitsStored(),
                    s.signed() ? " signed" : "",
                    s.stat() ? " STAT" : "");
        }
    }

    /** Writes every sample into {@code dir} (created if missing) and describes them, in file-name order. */
    public static List<Sample> write(Path dir, long seed) {
        return SPECS.stream()
                .map(spec -> writeSpec(dir, seed, spec, COLUMNS, ROWS))
                .toList();
    }

    /** The first sample alone (a CR PA chest, 12-bit MONOCHROME2), as {@link #write} makes it: for a test that needs one image. */
    public static Sample writeFrontalChest(Path dir, long seed) {
        return writeSpec(dir, seed, SPECS.get(0), COLUMNS, ROWS);
    }

    /** A DICOM UID under the 2.25 (UUID) root, derived from the seed and a name: stable across runs. */
    public static String uid(long seed, String name) {
        UUID u = UUID.nameUUIDFromBytes((seed + "/" + name).getBytes(StandardCharsets.UTF_8));
        ByteBuffer b =
                ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    /**
     * One frontal chest CR at a real radiograph's size (a 16-bit MONOCHROME1 CR of 2500x2048 is about 10 MB), for
     * throughput measurements; explicit VR little endian, its own study, file {@code dir/fullsize-<seed>.dcm}.
     */
    public static Sample writeFullSizeChest(Path dir, long seed, int columns, int rows) {
        Spec spec = new Spec(
                "fullsize-" + seed,
                "CR",
                Anatomy.CHEST_PA,
                "PA",
                "CHEST",
                "MONOCHROME1",
                16,
                false,
                false,
                0,
                0,
                1,
                Windowing.WINDOW);
        return writeSpec(dir, seed, spec, columns, rows);
    }

    /** {@link #writeOne} into {@code dir} (created if missing), its failures unchecked. */
    private static Sample writeSpec(Path dir, long seed, Spec spec, int columns, int rows) {
        try {
            Files.createDirectories(dir);
            return writeOne(dir, seed, spec, columns, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sample " + spec.label() + " into " + dir, e);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot build sample " + spec.label(), e);
        }
    }

    private static Sample writeOne(Path dir, long seed, Spec spec, int columns, int rows)
            throws IOException, DicomException {
        String[] patient = PATIENTS[spec.patient()];
        String studyUid = uid(seed, "study-" + spec.study());
        String seriesUid = uid(seed, "study-" + spec.study() + "/series-" + spec.series());
        String sopUid = uid(seed, "instance-" + spec.label());
        String accession = String.format("ACC%07d", 4200 + spec.study() * 17 + (int) Math.floorMod(seed, 1000));
        String sopClass = "CR".equals(spec.modality())
                ? SOPClass.ComputedRadiographyImageStorage
                : SOPClass.DigitalXRayImageStorageForPresentation;
        String date = String.format("2026%02d%02d", 1 + spec.study() % 12, 10 + spec.study());
        String time = String.format("%02d%02d%02d", 8 + spec.study(), 15 + spec.series(), 30);

        AttributeList list = new AttributeList();
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 100");
        put(list, TagFromName.ImageType, "ORIGINAL", "PRIMARY");
        put(list, TagFromName.SOPClassUID, sopClass);
        put(list, TagFromName.SOPInstanceUID, sopUid);
        put(list, TagFromName.StudyDate, date);
        put(list, TagFromName.SeriesDate, date);
        put(list, TagFromName.ContentDate, date);
        put(list, TagFromName.StudyTime, time);
        put(list, TagFromName.SeriesTime, time);
        put(list, TagFromName.ContentTime, time);
        put(list, TagFromName.AccessionNumber, accession);
        put(list, TagFromName.Modality, spec.modality());
        put(list, TagFromName.Manufacturer, "CXR Platform Samples");
        put(list, TagFromName.InstitutionName, "Sample General Hospital");
        put(list, TagFromName.ReferringPhysicianName, "REFERRER^PAT");
        put(list, TagFromName.StationName, "XR" + (1 + spec.study()));
        put(list, TagFromName.StudyDescription, studyDescription(spec));
        put(list, TagFromName.SeriesDescription, spec.bodyPart() + " " + spec.view());
        put(list, TagFromName.PatientName, patient[0]);
        put(list, TagFromName.PatientID, patient[1]);
        put(list, TagFromName.IssuerOfPatientID, "SGH");
        put(list, TagFromName.PatientBirthDate, patient[2]);
        put(list, TagFromName.PatientSex, patient[3]);
        put(list, TagFromName.BodyPartExamined, spec.bodyPart());
        put(list, TagFromName.ProtocolName, spec.bodyPart() + " " + spec.view());
        put(list, TagFromName.ViewPosition, "LATERAL".equals(spec.view()) ? "LL" : spec.view());
        put(list, TagFromName.StudyInstanceUID, studyUid);
        put(list, TagFromName.SeriesInstanceUID, seriesUid);
        put(list, TagFromName.StudyID, String.valueOf(1000 + spec.study()));
        put(list, TagFromName.SeriesNumber, String.valueOf(spec.series()));
        put(list, TagFromName.InstanceNumber, "1");
        put(list, TagFromName.PatientOrientation, "LATERAL".equals(spec.view()) ? "A" : "L", "F");
        put(list, TagFromName.BurnedInAnnotation, "NO");
        put(list, TagFromName.LossyImageCompression, "00");
        if ("DX".equals(spec.modality())) {
            put(list, TagFromName.PresentationIntentType, "FOR PRESENTATION");
            put(list, new AttributeTag(0x0018, 0x7004), "DIRECT"); // Detector Type
            put(
                    list,
                    TagFromName.PresentationLUTShape,
                    "MONOCHROME1".equals(spec.photometric()) ? "INVERSE" : "IDENTITY");
        }
        put(list, TagFromName.ImagerPixelSpacing, "0.7", "0.7");
        if (spec.stat()) {
            Attribute priority = new CodeStringAttribute(REQUESTED_PROCEDURE_PRIORITY);
            priority.addValue("STAT");
            list.put(priority);
            put(list, TagFromName.CurrentPatientLocation, "ED");
            put(list, TagFromName.InstitutionalDepartmentName, "Emergency Department");
        } else {
            put(list, TagFromName.InstitutionalDepartmentName, "Radiology");
        }

        // Image pixel module.
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, spec.photometric());
        put(list, TagFromName.Rows, String.valueOf(rows));
        put(list, TagFromName.Columns, String.valueOf(columns));
        put(list, TagFromName.BitsAllocated, "16");
        put(list, TagFromName.BitsStored, String.valueOf(spec.bitsStored()));
        put(list, TagFromName.HighBit, String.valueOf(spec.bitsStored() - 1));
        put(list, TagFromName.PixelRepresentation, spec.signed() ? "1" : "0");

        float[] density = Phantom.render(
                spec.anatomy().name(),
                columns,
                rows,
                new Random(seed ^ spec.label().hashCode()));
        short[] pixels = new short[density.length];
        int maxStored = (1 << spec.bitsStored()) - 1;
        boolean inverse = "MONOCHROME1".equals(spec.photometric());
        for (int i = 0; i < density.length; i++) {
            float d = Math.max(0f, Math.min(1f, density[i]));
            int v = Math.round((inverse ? 1f - d : d) * maxStored);
            if (spec.signed()) {
                v -= 1 << (spec.bitsStored() - 1); // centre the range on zero
            }
            pixels[i] = (short) v;
        }
        addWindowing(list, spec, maxStored);
        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);

        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE);
        Path file = dir.resolve(spec.label() + ".dcm");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return new Sample(
                file,
                spec.label(),
                spec.modality(),
                spec.view(),
                spec.bodyPart(),
                spec.photometric(),
                spec.bitsStored(),
                spec.signed(),
                spec.stat(),
                studyUid,
                sopUid,
                accession);
    }

    private static String studyDescription(Spec spec) {
        if ("HAND".equals(spec.bodyPart())) {
            return "XR HAND 2 VIEWS LEFT";
        }
        return spec.stat() ? "XR CHEST PORTABLE 1 VIEW" : "XR CHEST 2 VIEWS PA AND LATERAL";
    }

    private static void addWindowing(AttributeList list, Spec spec, int maxStored) throws DicomException {
        switch (spec.windowing()) {
            case WINDOW -> {
                put(list, TagFromName.WindowCenter, String.valueOf(maxStored * 45 / 100));
                put(list, TagFromName.WindowWidth, String.valueOf(maxStored * 80 / 100));
                put(list, TagFromName.WindowCenterWidthExplanation, "NORMAL");
            }
            case TWO_WINDOWS_AND_VOI_LUT -> {
                put(list, TagFromName.WindowCenter, String.valueOf(maxStored / 2), String.valueOf(maxStored / 3));
                put(list, TagFromName.WindowWidth, String.valueOf(maxStored * 9 / 10), String.valueOf(maxStored / 2));
                put(list, TagFromName.WindowCenterWidthExplanation, "NORMAL", "HARD");
                list.put(voiLutSequence(maxStored + 1));
            }
            case RESCALE_AND_WINDOW -> {
                // Stored 0..65535 maps to -1024..64511 in modality units.
                put(list, TagFromName.RescaleIntercept, "-1024");
                put(list, TagFromName.RescaleSlope, "1");
                put(list, TagFromName.RescaleType, "US");
                put(list, TagFromName.WindowCenter, String.valueOf(maxStored * 45 / 100 - 1024));
                put(list, TagFromName.WindowWidth, String.valueOf(maxStored * 80 / 100));
            }
            case NONE -> {
                // Renderers must fall back to a percentile window.
            }
        }
    }

    /** A sigmoid-shaped 12-bit output VOI LUT covering every stored value. */
    private static SequenceAttribute voiLutSequence(int entries) throws DicomException {
        AttributeList item = new AttributeList();
        Attribute descriptor = new UnsignedShortAttribute(TagFromName.LUTDescriptor);
        descriptor.addValue(entries == 65536 ? 0 : entries);
        descriptor.addValue(0);
        descriptor.addValue(12);
        item.put(descriptor);
        short[] data = new short[entries];
        for (int i = 0; i < entries; i++) {
            double x = (i - entries * 0.5) / (entries * 0.18);
            data[i] = (short) Math.round(4095.0 / (1.0 + Math.exp(-x)));
        }
        OtherWordAttribute lutData = new OtherWordAttribute(TagFromName.LUTData);
        lutData.setValues(data);
        item.put(lutData);
        put(item, TagFromName.LUTExplanation, "SAMPLE SIGMOID");
        SequenceAttribute seq = new SequenceAttribute(TagFromName.VOILUTSequence);
        seq.addItem(item);
        return seq;
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute a = list.putNewAttribute(tag);
        for (String v : values) {
            a.addValue(v);
        }
    }
}
