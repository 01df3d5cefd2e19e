package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The one way data moves between Java memory and the model's device, so that every copy is
 * counted: the engine's claim "one upload and one download per decode step" is read off here.
 * Used by the thread that runs the model (not thread-safe).
 */
public final class Transfers {

    /** Copies so far (or between two snapshots). */
    public record Counts(long uploads, long downloads, long uploadBytes, long downloadBytes) {
        public Counts minus(Counts earlier) {
            return new Counts(
                    uploads - earlier.uploads,
                    downloads - earlier.downloads,
                    uploadBytes - earlier.uploadBytes,
                    downloadBytes - earlier.downloadBytes);
        }
    }

    private long uploads;
    private long downloads;
    private long uploadBytes;
    private long downloadBytes;

    public NDArray upload(NDManager manager, float[] data, Shape shape) {
        count(true, 4L * data.length);
        return manager.create(data, shape);
    }

    public NDArray upload(NDManager manager, long[] data, Shape shape) {
        count(true, 8L * data.length);
        return manager.create(data, shape);
    }

    public long[] downloadLongs(NDArray array) {
        count(false, 8L * array.size());
        return array.toLongArray();
    }

    /** Float32 values of {@code array}, converted on the device first when it holds another type. */
    public float[] downloadFloats(NDArray array) {
        count(false, 4L * array.size());
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray fp32 = array.toType(DataType.FLOAT32, false)) {
            return fp32.toFloatArray();
        }
    }

    private void count(boolean up, long bytes) {
        if (up) {
            uploads++;
            uploadBytes += bytes;
        } else {
            downloads++;
            downloadBytes += bytes;
        }
    }

    public Counts counts() {
        return new Counts(uploads, downloads, uploadBytes, downloadBytes);
    }
}
