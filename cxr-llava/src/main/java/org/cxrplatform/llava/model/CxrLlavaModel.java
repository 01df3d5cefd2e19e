package org.cxrplatform.llava.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * The CXR-LLaVA network on DJL's PyTorch engine: vision tower + projector + LLaMA decoder. Weights
 * live in one NDManager for the model's lifetime; every call computes inside an NDScope and returns
 * plain Java arrays. Token embeddings are read straight from the mapped checkpoint.
 */
public final class CxrLlavaModel implements AutoCloseable {

  private final Checkpoint checkpoint;
  private final CxrLlavaConfig config;
  private final NDManager manager;
  private final VisionTower vision;
  private final LlamaDecoder decoder;
  private final DataType dtype;

  private CxrLlavaModel(Checkpoint checkpoint, NDManager manager, DataType dtype) {
    this.checkpoint = checkpoint;
    this.config = checkpoint.config();
    this.manager = manager;
    this.dtype = dtype;
    Tensors tensors = new Tensors(checkpoint, manager, dtype);
    this.vision = new VisionTower(config, tensors);
    this.decoder = new LlamaDecoder(config, tensors);
  }

  /** Loads the weights onto {@code device} in {@code dtype} (BF16/F16 stored weights are widened on read). */
  public static CxrLlavaModel load(Checkpoint checkpoint, Device device, DataType dtype) {
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      return new CxrLlavaModel(checkpoint, manager, dtype);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public CxrLlavaConfig config() {
    return config;
  }

  /** Row {@code tokenId} of llama.embed_tokens, [D]. */
  public float[] embedding(int tokenId) {
    if (tokenId < 0 || tokenId >= config.vocabSize()) {
      throw new IllegalArgumentException("token id " + tokenId + " outside the vocabulary of " + config.vocabSize());
    }
    return checkpoint.row("llama.embed_tokens.weight", tokenId);
  }

  /** pixel_values of B images ([S*S] each) → image features, one [G²*D] array per image. */
  public float[][] encodeImages(List<float[]> pixelValues) {
    int b = pixelValues.size();
    int s = config.imageSize();
    float[] all = new float[b * s * s];
    for (int i = 0; i < b; i++) {
      System.arraycopy(pixelValues.get(i), 0, all, i * s * s, s * s);
    }
    try (NDManager request = manager.newSubManager(); NDScope scope = new NDScope()) {
      NDArray pixels = request.create(all, new Shape(b, 1, s, s));   // [B,1,S,S]
      if (dtype != DataType.FLOAT32) {
        pixels = pixels.toType(dtype, false);
      }
      NDArray features = vision.forward(pixels);                     // [B,G²,D]
      float[] flat = toFloats(features);
      int per = config.imageTokens() * config.hiddenSize();
      float[][] out = new float[b][];
      for (int i = 0; i < b; i++) {
        out[i] = new float[per];
        System.arraycopy(flat, i * per, out[i], 0, per);
      }
      return out;
    }
  }

  static float[] toFloats(NDArray a) {
    return (a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false)).toFloatArray();
  }

  /**
   * A decoding session for one left-padded batch: owns its KV cache (allocated once, at
   * {@code capacity} slots) or, with {@code useCache} false, recomputes the sequence each step.
   */
  public DecodeSession newSession(SequenceLayout layout, int capacity, boolean useCache) {
    NDManager request = manager.newSubManager();
    KvCache cache = useCache ? decoder.newCache(request, layout.batch(), capacity) : null;
    return new DecodeSession(request, decoder, layout, cache, config.hiddenSize(), dtype);
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
