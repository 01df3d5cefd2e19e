package org.cxrplatform.llava.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cxrplatform.llava.CheckpointException;

/**
 * One safetensors file, memory-mapped tensor by tensor (a shard of the 7B model is larger than one
 * 2 GiB mapping). Layout: 8-byte little-endian header length, JSON header, raw little-endian data.
 * Values are widened to float32 on read (BF16 is the upper half of a float32).
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** A tensor's place in the file: dtype, shape and byte range relative to the data section. */
    public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    /** One read-only mapping per tensor, made on first use (an embedding lookup per token must not mmap). */
    private final java.util.concurrent.ConcurrentHashMap<String, ByteBuffer> mapped =
            new java.util.concurrent.ConcurrentHashMap<>();

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    public static SafeTensorsFile open(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException("not a safetensors file (shorter than 8 bytes): " + path);
            }
            ByteBuffer lenBuf = channel.map(FileChannel.MapMode.READ_ONLY, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > size) {
                throw new CheckpointException("not a safetensors file (header length " + headerLen + "): " + path);
            }
            ByteBuffer headerBuf = channel.map(FileChannel.MapMode.READ_ONLY, 8, headerLen);
            byte[] headerBytes = new byte[(int) headerLen];
            headerBuf.get(headerBytes);
            JsonNode header = new ObjectMapper().readTree(new String(headerBytes, StandardCharsets.UTF_8));
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            long dataSize = size - 8 - headerLen;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.path("shape").get(i).asLong();
                }
                long begin = t.path("data_offsets").get(0).asLong();
                long end = t.path("data_offsets").get(1).asLong();
                TensorInfo info = new TensorInfo(e.getKey(), t.path("dtype").asText(), shape, begin, end);
                long expectedBytes = info.elements() * bytesPerElement(info.dtype(), path, info.name());
                if (end - begin != expectedBytes || end > dataSize || begin < 0) {
                    throw new CheckpointException("tensor " + info.name() + " in " + path + ": byte range [" + begin
                            + ", " + end + ") does not match dtype " + info.dtype()
                            + " and its shape, or lies outside the file");
                }
                tensors.put(e.getKey(), info);
            }
            return new SafeTensorsFile(path, channel, 8 + headerLen, Collections.unmodifiableMap(tensors));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    static int bytesPerElement(String dtype, Path path, String name) {
        return switch (dtype) {
            case "F32" -> 4;
            case "BF16", "F16" -> 2;
            default ->
                throw new CheckpointException(
                        "tensor " + name + " in " + path + " has dtype " + dtype + "; supported: F32, BF16, F16");
        };
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** All of a tensor's values as float32, row-major. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        long n = info.elements();
        if (n > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor " + name + " has " + n + " elements, more than one Java array holds");
        }
        return read(map(info), info, 0, (int) n);
    }

    /** Row {@code row} of a 2-D tensor as float32 (an embedding lookup straight from the mapped file). */
    public float[] readRow(String name, int row) {
        TensorInfo info = info(name);
        int cols = (int) info.shape()[info.shape().length - 1];
        if (row < 0 || row >= info.shape()[0]) {
            throw new IllegalArgumentException(
                    "row " + row + " outside tensor " + name + " with " + info.shape()[0] + " rows");
        }
        // rows are read once per token: keep this tensor's mapping
        return read(mapped.computeIfAbsent(name, n -> map(info)), info, (long) row * cols, cols);
    }

    private TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException("tensor " + name + " not in " + path);
        }
        return info;
    }

    private float[] read(ByteBuffer mapping, TensorInfo info, long firstElement, int count) {
        int width = bytesPerElement(info.dtype(), path, info.name());
        // duplicate(): positions are per reader, the mapping may be shared
        ByteBuffer buf = mapping.duplicate()
                .position((int) (firstElement * width))
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        switch (info.dtype()) {
            case "F32" -> buf.asFloatBuffer().get(out);
            case "BF16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(buf.getShort(2 * i));
                }
            }
            default -> throw new IllegalStateException(info.dtype());
        }
        return out;
    }

    /** IEEE 754 binary16 to float32, exact (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private ByteBuffer map(TensorInfo info) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.end() - info.begin());
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot map tensor " + info.name() + " of " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        mapped.clear();
        closeQuietly(channel);
    }
}
