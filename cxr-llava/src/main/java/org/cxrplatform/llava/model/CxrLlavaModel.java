package org.cxrplatform.llava.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;

/**
 * The CXR-LLaVA network on DJL's PyTorch engine: vision tower + projector + LLaMA decoder. Weights
 * (token embeddings included) live on the device in one NDManager for the model's lifetime. The
 * engine ({@code org.cxrplatform.llava.engine}) drives it step by step with arrays that stay on the
 * device; {@link #encodeImages} and {@link #prefill} are host-array entry points for parity checks
 * and benchmarks. Every copy between Java and the device goes through {@link #transfers()}.
 */
public final class CxrLlavaModel implements AutoCloseable {

    private final CxrLlavaConfig config;
    private final NDManager manager;
    private final VisionTower vision;
    private final LlamaDecoder decoder;
    private final DataType dtype;
    private final DataType weightDtype;
    private final Transfers transfers = new Transfers();

    private CxrLlavaModel(Checkpoint checkpoint, NDManager manager, DataType weightDtype) {
        this.config = checkpoint.config();
        this.manager = manager;
        this.weightDtype = weightDtype;
        this.dtype = computeDtype(manager.getDevice(), weightDtype);
        Tensors tensors = new Tensors(checkpoint, manager, dtype, weightDtype, projectionBlocks(manager.getDevice()));
        this.vision = new VisionTower(config, tensors);
        this.decoder = new LlamaDecoder(config, tensors, manager);
    }

    /**
     * One column block per intra-op thread on a CPU (see {@link Projection}); one on a GPU, whose
     * matrix products already use the whole device. Read at load time: the weights' layout is fixed then.
     */
    private static int projectionBlocks(Device device) {
        return device.isGpu() ? 1 : Math.max(1, JniUtils.getNumThreads());
    }

    /**
     * The dtype of activations, the KV cache and the weights other than the decoder's projections: the
     * weights' dtype on a GPU; float32 on a CPU, whose half-precision kernels are fast only for a
     * weight multiplied by a few rows ({@link HalfProjection}).
     */
    private static DataType computeDtype(Device device, DataType weightDtype) {
        return device.isGpu() ? weightDtype : DataType.FLOAT32;
    }

    /**
     * Loads the weights onto {@code device}, the decoder's projections in {@code weightDtype} (BF16/F16
     * stored weights are widened on read, then cast); the rest in {@link #dtype()}.
     */
    public static CxrLlavaModel load(Checkpoint checkpoint, Device device, DataType weightDtype) {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            return new CxrLlavaModel(checkpoint, manager, weightDtype);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public CxrLlavaConfig config() {
        return config;
    }

    public Transfers transfers() {
        return transfers;
    }

    /** The dtype of activations and the KV cache (float32 on a CPU, whatever the weights' dtype). */
    public DataType dtype() {
        return dtype;
    }

    /** The dtype of the decoder's projection weights (q/k/v, o, gate/up, down, lm_head): what a decode step reads. */
    public DataType weightDtype() {
        return weightDtype;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** A manager on the model's device for arrays that outlive one call (a cache, a request's prompt). */
    public NDManager newManager() {
        return manager.newSubManager();
    }

    /** KV cache of {@code slots} sequences of up to {@code capacity} positions, allocated now, on {@code owner}. */
    public SlotCache newCache(NDManager owner, int slots, int capacity) {
        if (capacity > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(
                    "capacity " + capacity + " exceeds the model's " + config.maxPositionEmbeddings() + " positions");
        }
        return decoder.newCache(owner, slots, capacity);
    }

    /** pixel_values of B images ([S*S] each) → image features [B,G²,D] on the device. Call inside an NDScope. */
    public NDArray imageFeatures(List<float[]> pixelValues) {
        int b = pixelValues.size();
        int s = config.imageSize();
        float[] all = new float[b * s * s];
        for (int i = 0; i < b; i++) {
            System.arraycopy(pixelValues.get(i), 0, all, i * s * s, s * s);
        }
        NDArray pixels = transfers.upload(manager, all, new Shape(b, 1, s, s)); // [B,1,S,S]
        if (dtype != DataType.FLOAT32) {
            pixels = pixels.toType(dtype, false);
        }
        return vision.forward(pixels); // [B,G²,D]
    }

    /** pixel_values of B images → image features, one [G²*D] array per image, on the host. */
    public float[][] encodeImages(List<float[]> pixelValues) {
        try (NDScope scope = new NDScope()) {
            float[] flat = transfers.downloadFloats(imageFeatures(pixelValues));
            int per = config.imageTokens() * config.hiddenSize();
            float[][] out = new float[pixelValues.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[per];
                System.arraycopy(flat, i * per, out[i], 0, per);
            }
            return out;
        }
    }

    /**
     * Input embeddings of one prompt on the device [L,D]: embed(tokens before the image) ++ image
     * features [G²,D] ++ embed(tokens after). Call inside an NDScope.
     */
    public NDArray promptEmbeddings(int[] inputIds, NDArray imageFeatures) {
        int image = -1;
        long[] text = new long[inputIds.length - 1];
        int t = 0;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i] == LlavaTokenizer.IMAGE_TOKEN_INDEX) {
                if (image >= 0) {
                    throw new IllegalArgumentException("the prompt must hold exactly one image placeholder");
                }
                image = i;
            } else if (t < text.length) {
                text[t++] = checkedToken(inputIds[i]);
            }
        }
        if (image < 0) {
            throw new IllegalArgumentException("the prompt must hold exactly one image placeholder");
        }
        NDArray tokens = decoder.embed(transfers.upload(manager, text, new Shape(text.length))); // [L-1,D]
        NDList parts = new NDList();
        if (image > 0) {
            parts.add(tokens.get("0:{}", image));
        }
        parts.add(imageFeatures);
        if (image < text.length) {
            parts.add(tokens.get("{}:", image));
        }
        return NDArrays.concat(parts, 0); // [L,D]
    }

    private int checkedToken(int id) {
        if (id < 0 || id >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + config.vocabSize());
        }
        return id;
    }

    /** Token embeddings of ids [n] int64 on the device → [n,D]. */
    public NDArray embed(NDArray ids) {
        return decoder.embed(ids);
    }

    /** One forward pass; returns the last layer's hidden states [N,D] (before the final norm). Call inside an NDScope. */
    public NDArray forward(StepInput input, SlotCache cache) {
        return decoder.forward(input, cache);
    }

    /** Final norm + lm_head: hidden [R,D] → logits [R,V] float32. */
    public NDArray logits(NDArray hidden) {
        return decoder.logits(hidden);
    }

    /** A whole prompt's final-norm hidden states [T*D] and its last position's logits [V]. */
    public record Prefill(float[] hidden, float[] lastLogits) {}

    /**
     * One prompt through the decoder outside any engine (its own one-slot cache), as the engine
     * prefills it: the image encoded, then the prompt in pieces of at most {@code chunk} positions, one
     * forward pass each over the cache written so far (the engine's prefill steps without decode rows),
     * so no pass holds more than chunk × positions attention scores. For parity checks against the
     * reference's tensors and for timing prefill.
     */
    public Prefill prefill(int[] inputIds, float[] pixelValues, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be ≥ 1, got " + chunk);
        }
        try (NDManager request = manager.newSubManager();
                NDScope scope = new NDScope()) {
            NDArray features = imageFeatures(List.of(pixelValues)).get(0); // [G²,D]
            NDArray embeddings = promptEmbeddings(inputIds, features); // [T,D]
            int t = (int) embeddings.getShape().get(0);
            long[] positions = new long[t];
            for (int i = 0; i < t; i++) {
                positions[i] = i;
            }
            NDArray allPositions = transfers.upload(manager, positions, new Shape(t));
            NDArray slots = manager.zeros(new Shape(Math.min(chunk, t)), DataType.INT64);
            SlotCache cache = decoder.newCache(request, 1, t);
            NDList hidden = new NDList();
            for (int start = 0; start < t; start += chunk) {
                int length = Math.min(chunk, t - start);
                StepInput in = new StepInput(
                        embeddings.get("{}:{}", start, start + length),
                        allPositions.get("{}:{}", start, start + length),
                        slots.get("0:{}", length),
                        0,
                        0,
                        List.of(new StepInput.Chunk(0, 0, start, length)));
                hidden.add(decoder.forward(in, cache)); // [length,D]
            }
            NDArray last = hidden.get(hidden.size() - 1);
            NDArray logits = decoder.logits(last.get("-1:")); // [1,V]
            NDArray normed = decoder.finalNorm(hidden.size() == 1 ? last : NDArrays.concat(hidden, 0)); // [T,D]
            return new Prefill(transfers.downloadFloats(normed), transfers.downloadFloats(logits));
        }
    }

    /**
     * Bytes of the largest float32 copy of one projection weight that a step makes beside the resident
     * weights (fp16 projections on a CPU widen for a product of more than 64 rows, {@code HalfProjection}),
     * when up to {@code layerRows} rows go through the layers and up to {@code sampledRows} through
     * lm_head; 0 when the projections are in the compute dtype.
     */
    public long widenedWeightBytes(int layerRows, int sampledRows) {
        return decoder.widenedWeightBytes(layerRows, sampledRows);
    }

    /** Native arrays the model's manager (and its sub-managers) hold: the weights when nothing leaks. */
    public int liveNativeArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
