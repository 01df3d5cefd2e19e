package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DICOM Part 10 file split into what travels in a C-STORE: the SOP class and instance from the
 * file meta information, the transfer syntax, and the data set bytes as they are (never re-parsed,
 * so a corrupt data set stays corrupt).
 */
public record DicomFile(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, byte[] dataset) {

    public static DicomFile read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the 128-byte preamble, "DICM" and the group 0002 elements (explicit VR little endian). */
    public static DicomFile parse(byte[] bytes) {
        if (bytes.length < 132 || !"DICM".equals(new String(bytes, 128, 4, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("not a DICOM Part 10 file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(132);
        String sopClass = null;
        String sopInstance = null;
        String ts = null;
        while (b.remaining() >= 8) {
            int start = b.position();
            int group = b.getShort() & 0xffff;
            int element = b.getShort() & 0xffff;
            if (group != 0x0002) {
                b.position(start);
                break;
            }
            String vr = new String(new byte[] {b.get(), b.get()}, StandardCharsets.US_ASCII);
            long len;
            if (vr.equals("OB")
                    || vr.equals("OW")
                    || vr.equals("UN")
                    || vr.equals("SQ")
                    || vr.equals("UT")
                    || vr.equals("UC")) {
                b.getShort();
                len = b.getInt() & 0xffffffffL;
            } else {
                len = b.getShort() & 0xffff;
            }
            byte[] value = new byte[(int) len];
            b.get(value);
            String s = new String(value, StandardCharsets.US_ASCII)
                    .replace("\0", "")
                    .strip();
            switch (element) {
                case 0x0002 -> sopClass = s;
                case 0x0003 -> sopInstance = s;
                case 0x0010 -> ts = s;
                default -> {}
            }
        }
        byte[] dataset = new byte[b.remaining()];
        b.get(dataset);
        return new DicomFile(sopClass, sopInstance, ts, dataset);
    }

    public DicomFile withDataset(byte[] newDataset) {
        return new DicomFile(sopClassUid, sopInstanceUid, transferSyntaxUid, newDataset);
    }

    public DicomFile withTransferSyntax(String uid) {
        return new DicomFile(sopClassUid, sopInstanceUid, uid, dataset);
    }
}
