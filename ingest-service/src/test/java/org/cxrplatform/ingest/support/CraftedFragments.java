package org.cxrplatform.ingest.support;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hostile encapsulated files: a real sample's header (JPEG baseline transfer syntax), then
 * encapsulated Pixel Data whose first fragment declares {@code declaredLength} bytes but is
 * followed by only 16 bytes and the end of the file.
 */
public final class CraftedFragments {

    private CraftedFragments() {}

    public static Path write(Path sample, long declaredLength, Path out) throws Exception {
        AttributeList list = new AttributeList();
        list.read(sample.toFile());
        list.remove(TagFromName.PixelData);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.JPEGBaseline, "CRAFTED");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream dicom = new DicomOutputStream(
                bytes, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian)) {
            list.write(dicom);
        }
        ByteBuffer pixels = ByteBuffer.allocate(12 + 8 + 8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        pixels.putShort((short) 0x7FE0)
                .putShort((short) 0x0010)
                .put((byte) 'O')
                .put((byte) 'B')
                .putShort((short) 0)
                .putInt(0xFFFFFFFF); // Pixel Data, undefined length
        pixels.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0); // empty Basic Offset Table
        pixels.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt((int) declaredLength); // fragment 1
        pixels.put(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        bytes.writeBytes(pixels.array());
        Files.createDirectories(out.getParent());
        return Files.write(out, bytes.toByteArray());
    }
}
