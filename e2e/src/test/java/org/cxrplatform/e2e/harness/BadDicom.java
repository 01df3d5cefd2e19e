package org.cxrplatform.e2e.harness;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A corpus of malformed DICOM made from a good instance by editing its bytes: truncations, wrong
 * VRs, huge declared lengths, garbage in encapsulated frames, bad transfer syntax UIDs, zero-size
 * and absurd images, a missing Study Instance UID, random bytes.
 */
public final class BadDicom {

    /** One malformed input: what is proposed and sent, and the study it claims to be (null when unreadable). */
    public record Case(String name, DicomFile file, String studyInstanceUid) {}

    private static final Set<String> LONG_VRS =
            Set.of("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");
    private static final int PIXEL_DATA = 0x7FE00010;

    private BadDicom() {}

    /** Top-level element of an explicit VR little endian data set. */
    record Element(int tag, String vr, int start, int headerLength, long length) {
        int valueStart() {
            return start + headerLength;
        }
    }

    static List<Element> elements(byte[] ds) {
        List<Element> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(ds).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 8) {
            int start = b.position();
            int tag = ((b.getShort() & 0xffff) << 16) | (b.getShort() & 0xffff);
            String vr = new String(new byte[] {b.get(), b.get()}, StandardCharsets.US_ASCII);
            long len;
            int header;
            if (LONG_VRS.contains(vr)) {
                b.getShort();
                len = b.getInt() & 0xffffffffL;
                header = 12;
            } else {
                len = b.getShort() & 0xffff;
                header = 8;
            }
            out.add(new Element(tag, vr, start, header, len));
            if (len == 0xffffffffL || start + header + len > ds.length) {
                break;
            }
            b.position((int) (start + header + len));
        }
        return out;
    }

    static Element find(byte[] ds, int tag) {
        return elements(ds).stream()
                .filter(e -> e.tag() == tag)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException(String.format("no (%04X,%04X)", tag >>> 16, tag & 0xffff)));
    }

    static byte[] replace(byte[] ds, Element e, byte[] with) {
        int end = (int) (e.valueStart() + e.length());
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(ds, 0, e.start());
        o.writeBytes(with);
        o.write(ds, end, ds.length - end);
        return o.toByteArray();
    }

    static byte[] shortElement(int tag, String vr, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16))
                .putShort((short) tag)
                .put(vr.getBytes(StandardCharsets.US_ASCII))
                .putShort((short) value.length)
                .put(value);
        return b.array();
    }

    static byte[] us(int v) {
        return ByteBuffer.allocate(2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) v)
                .array();
    }

    /**
     * The corpus. {@code make} must return a fresh good instance (new UIDs) on each call, explicit VR
     * little endian, with no sequences before the pixel data.
     */
    public static List<Case> corpus(java.util.function.Supplier<StudyFactory.Study> make) {
        List<Case> out = new ArrayList<>();
        Random random = new Random(20261128L);

        StudyFactory.Study s = make.get();
        DicomFile f = DicomFile.read(s.file());
        out.add(new Case(
                "truncated in the pixel data",
                f.withDataset(Arrays.copyOf(f.dataset(), f.dataset().length * 6 / 10)),
                s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        out.add(new Case(
                "truncated in the header (first 200 bytes)", f.withDataset(Arrays.copyOf(f.dataset(), 200)), null));

        s = make.get();
        f = DicomFile.read(s.file());
        Element rows = find(f.dataset(), 0x00280010);
        byte[] ds = f.dataset().clone();
        ds[rows.start() + 4] = 'Z';
        ds[rows.start() + 5] = 'Z';
        out.add(new Case("invalid VR 'ZZ' on Rows", f.withDataset(ds), s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        rows = find(f.dataset(), 0x00280010);
        out.add(new Case(
                "wrong VR FD (8 bytes) on Rows with a 2-byte value",
                f.withDataset(replace(f.dataset(), rows, shortElement(0x00280010, "FD", us(600)))),
                s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        Element pixels = find(f.dataset(), PIXEL_DATA);
        ds = f.dataset().clone();
        ByteBuffer.wrap(ds, pixels.start() + 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0xFFFFFFF0);
        out.add(new Case("pixel data declaring 4 GB", f.withDataset(ds), s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        Element series = find(f.dataset(), 0x0008103E);
        byte[] value =
                Arrays.copyOfRange(f.dataset(), series.valueStart(), (int) (series.valueStart() + series.length()));
        ByteBuffer huge = ByteBuffer.allocate(12 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        huge.putShort((short) 0x0008)
                .putShort((short) 0x103E)
                .put("UT".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 0)
                .putInt(0x7FFFFFF0)
                .put(value);
        out.add(new Case(
                "Series Description (UT) declaring 2 GB",
                f.withDataset(replace(f.dataset(), series, huge.array())),
                s.studyInstanceUid()));

        for (String[] ts : new String[][] {
            {"1.2.840.10008.1.2.4.70", "JPEG lossless"},
            {"1.2.840.10008.1.2.4.90", "JPEG 2000"},
            {"1.2.840.10008.1.2.4.80", "JPEG-LS"}
        }) {
            s = make.get();
            f = DicomFile.read(s.file());
            pixels = find(f.dataset(), PIXEL_DATA);
            byte[] garbage = new byte[4000];
            random.nextBytes(garbage);
            ByteBuffer enc =
                    ByteBuffer.allocate(12 + 8 + 8 + garbage.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            enc.putShort((short) 0x7FE0)
                    .putShort((short) 0x0010)
                    .put("OB".getBytes(StandardCharsets.US_ASCII))
                    .putShort((short) 0)
                    .putInt(-1);
            enc.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
            enc.putShort((short) 0xFFFE)
                    .putShort((short) 0xE000)
                    .putInt(garbage.length)
                    .put(garbage);
            enc.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
            byte[] head = Arrays.copyOf(f.dataset(), pixels.start());
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(head);
            o.writeBytes(enc.array());
            out.add(new Case(
                    "garbage in encapsulated frames (" + ts[1] + ")",
                    f.withDataset(o.toByteArray()).withTransferSyntax(ts[0]),
                    s.studyInstanceUid()));
        }

        s = make.get();
        f = DicomFile.read(s.file());
        pixels = find(f.dataset(), PIXEL_DATA);
        ByteBuffer overrun = ByteBuffer.allocate(12 + 8 + 8 + 100).order(ByteOrder.LITTLE_ENDIAN);
        overrun.putShort((short) 0x7FE0)
                .putShort((short) 0x0010)
                .put("OB".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 0)
                .putInt(-1);
        overrun.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
        overrun.putShort((short) 0xFFFE)
                .putShort((short) 0xE000)
                .putInt(0x7FFFFFF0)
                .put(new byte[100]);
        ByteArrayOutputStream o2 = new ByteArrayOutputStream();
        o2.writeBytes(Arrays.copyOf(f.dataset(), pixels.start()));
        o2.writeBytes(overrun.array());
        out.add(new Case(
                "encapsulated fragment declaring 2 GB, no delimiter",
                f.withDataset(o2.toByteArray()).withTransferSyntax("1.2.840.10008.1.2.4.70"),
                s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        out.add(new Case(
                "unknown transfer syntax UID 1.2.840.10008.1.2.4.999",
                f.withTransferSyntax("1.2.840.10008.1.2.4.999"),
                s.studyInstanceUid()));
        s = make.get();
        f = DicomFile.read(s.file());
        out.add(new Case("transfer syntax 'not-a-uid'", f.withTransferSyntax("not-a-uid"), s.studyInstanceUid()));
        s = make.get();
        f = DicomFile.read(s.file());
        out.add(new Case(
                "explicit VR bytes proposed as implicit VR",
                f.withTransferSyntax(RawStoreScu.IMPLICIT_LE),
                s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        ds = f.dataset();
        pixels = find(ds, PIXEL_DATA);
        ds = Arrays.copyOf(ds, pixels.start() + 12);
        ByteBuffer.wrap(ds, pixels.start() + 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0);
        Element r0 = find(ds, 0x00280010);
        ByteBuffer.wrap(ds, r0.valueStart(), 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0);
        Element c0 = find(ds, 0x00280011);
        ByteBuffer.wrap(ds, c0.valueStart(), 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0);
        out.add(new Case("zero-size image (0 x 0, empty pixel data)", f.withDataset(ds), s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        ds = f.dataset().clone();
        Element r1 = find(ds, 0x00280010);
        ByteBuffer.wrap(ds, r1.valueStart(), 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF);
        Element c1 = find(ds, 0x00280011);
        ByteBuffer.wrap(ds, c1.valueStart(), 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF);
        out.add(new Case("65535 x 65535 declared with 600 KB of pixels", f.withDataset(ds), s.studyInstanceUid()));

        s = make.get();
        f = DicomFile.read(s.file());
        Element study = find(f.dataset(), 0x0020000D);
        out.add(new Case("no Study Instance UID", f.withDataset(replace(f.dataset(), study, new byte[0])), null));

        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        out.add(new Case(
                "4 KB of random bytes",
                new DicomFile(f.sopClassUid(), StudyFactory.newUid(), RawStoreScu.EXPLICIT_LE, noise),
                null));
        out.add(new Case(
                "empty data set",
                new DicomFile(f.sopClassUid(), StudyFactory.newUid(), RawStoreScu.EXPLICIT_LE, new byte[0]),
                null));
        out.add(new Case(
                "SOP class 'garbage'",
                new DicomFile("garbage", StudyFactory.newUid(), RawStoreScu.EXPLICIT_LE, noise),
                null));
        return out;
    }
}
