package org.cxrplatform.ingest.render;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for 8-bit greyscale (colour type 0): each row filtered with PNG's Paeth
 * predictor, zlib at a fast level. About three times faster than ImageIO's PNG writer on X-ray
 * images (its adaptive per-row filter search dominates rendering time) for a file within a few
 * percent of its size; any PNG reader decodes it.
 */
final class GreyPng {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private GreyPng() {}

    static byte[] encode(byte[] grey, int width, int height, int level) {
        byte[] filtered = new byte[(width + 1) * height];
        int o = 0;
        for (int y = 0; y < height; y++) {
            filtered[o++] = 4; // Paeth
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int a = x > 0 ? grey[row + x - 1] & 0xff : 0;
                int b = y > 0 ? grey[row - width + x] & 0xff : 0;
                int c = x > 0 && y > 0 ? grey[row - width + x - 1] & 0xff : 0;
                int p = a + b - c;
                int pa = Math.abs(p - a);
                int pb = Math.abs(p - b);
                int pc = Math.abs(p - c);
                int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                filtered[o++] = (byte) ((grey[row + x] & 0xff) - pred);
            }
        }
        Deflater deflater = new Deflater(level);
        deflater.setInput(filtered);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream(filtered.length / 2);
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            idat.write(buf, 0, n);
        }
        deflater.end();

        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        int32(ihdr, 0, width);
        int32(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        int32(len, 0, data.length);
        out.writeBytes(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        int32(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void int32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
