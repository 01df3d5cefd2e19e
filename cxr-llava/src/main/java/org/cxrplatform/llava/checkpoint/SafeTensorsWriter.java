package org.cxrplatform.llava.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes safetensors files (F32, BF16 or F16) — for building test and benchmark checkpoints. */
public final class SafeTensorsWriter {

    /** A tensor to write: float32 values, narrowed to {@code dtype} on write. */
    public record Tensor(String dtype, long[] shape, float[] values) {}

    private SafeTensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.values().length * SafeTensorsFile.bytesPerElement(t.dtype(), file, e.getKey());
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype());
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) {
                out.write(' ');
            }
            for (Tensor t : tensors.values()) {
                int width = t.dtype().equals("F32") ? 4 : 2;
                ByteBuffer buf = ByteBuffer.allocate(t.values().length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values()) {
                    switch (t.dtype()) {
                        case "F32" -> buf.putFloat(v);
                        case "BF16" -> buf.putShort(toBf16(v));
                        case "F16" -> buf.putShort(toHalf(v));
                        default -> throw new IllegalArgumentException(t.dtype());
                    }
                }
                out.write(buf.array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Round to nearest even, as torch does. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) 0x7fc0;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** float32 → binary16, round to nearest even (normal range and subnormals). */
    static short toHalf(float v) {
        int bits = Float.floatToRawIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        if (((bits >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        if (exp >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (exp << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }
}
