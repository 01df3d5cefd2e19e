package org.cxrplatform.llava;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.cxrplatform.llava.checkpoint.ChatTemplate;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.cxrplatform.llava.generate.Generator;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.llava.model.CxrLlavaModel;

/**
 * CXR-LLaVA v2 loaded from a Hugging Face folder, ready to write reports.
 *
 * <pre>{@code
 * try (CxrLlava model = CxrLlava.load(Path.of("ECOFRI/CXR-LLAVA-v2"), RuntimeOptions.cpu())) {
 *   BufferedImage cxr = ImageIO.read(new File("cxr.png"));           // 8-bit greyscale
 *   Generation g = model.generate(List.of(GenerationRequest.report(cxr)),
 *       GenerationOptions.greedy(), null).get(0);
 *   System.out.println(g.text());
 * }
 * }</pre>
 *
 * <p>Thread safety: one {@code generate} call at a time (calls are serialised on this object);
 * batch studies into one call for throughput. {@link #info()} may be called from any thread.
 */
public final class CxrLlava implements AutoCloseable {

  /** Identifies the prompt wording and tokenisation; changes whenever they change. */
  public static final String PROMPT_VERSION = "cxr-llava-v2-report-1";

  private final Checkpoint checkpoint;
  private final CxrLlavaModel model;
  private final LlavaTokenizer tokenizer;
  private final Generator generator;
  private final ModelInfo info;

  private CxrLlava(Checkpoint checkpoint, CxrLlavaModel model, LlavaTokenizer tokenizer, Generator generator) {
    this.checkpoint = checkpoint;
    this.model = model;
    this.tokenizer = tokenizer;
    this.generator = generator;
    CxrLlavaConfig c = checkpoint.config();
    this.info = new ModelInfo(c.modelId(), checkpoint.weightsDigest(), c.modelType(), c.imageSize(), c.imageTokens(),
        c.hiddenSize(), c.layers(), c.vocabSize(), checkpoint.parameterCount());
  }

  /**
   * Opens the folder, checks every tensor's presence and shape, and loads the weights.
   *
   * @throws CheckpointException for a folder that is not a usable CXR-LLaVA v2 checkpoint
   * @throws IllegalArgumentException for a device the engine does not have
   */
  public static CxrLlava load(Path modelDir, RuntimeOptions options) {
    RuntimeOptions opts = options == null ? RuntimeOptions.cpu() : options;
    Device device = device(opts);
    DataType dtype = switch (opts.dtype()) {
      case "fp16" -> DataType.FLOAT16;
      case "bf16" -> DataType.BFLOAT16;
      default -> DataType.FLOAT32;
    };
    Checkpoint checkpoint = Checkpoint.open(modelDir);
    LlavaTokenizer tokenizer = null;
    CxrLlavaModel model = null;
    try {
      CxrLlavaConfig c = checkpoint.config();
      ChatTemplate template = ChatTemplate.read(modelDir);
      tokenizer = LlavaTokenizer.load(modelDir, c.bosTokenId());
      model = CxrLlavaModel.load(checkpoint, device, dtype);
      Generator generator = new Generator(model, tokenizer, template,
          new CxrPreprocessor(c.imageSize(), c.pixelMean(), c.pixelStd()));
      return new CxrLlava(checkpoint, model, tokenizer, generator);
    } catch (RuntimeException e) {
      if (model != null) {
        model.close();
      }
      if (tokenizer != null) {
        tokenizer.close();
      }
      checkpoint.close();
      throw e;
    }
  }

  private static Device device(RuntimeOptions opts) {
    int gpu = opts.gpuIndex();
    if (gpu < 0) {
      return Device.cpu();
    }
    int available = Engine.getEngine("PyTorch").getGpuCount();
    if (gpu >= available) {
      throw new IllegalArgumentException("device " + opts.device() + " requested but the PyTorch engine sees "
          + available + " CUDA device(s); put pytorch-native-cu* on the class path or use cpu");
    }
    return Device.gpu(gpu);
  }

  public ModelInfo info() {
    return info;
  }

  /**
   * Runs the batch as one model call; results in request order. {@code listener} may be null.
   * Each row's output equals what it would get alone. One call at a time (synchronised).
   */
  public synchronized List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options,
      TokenListener listener) {
    return generator.generate(batch, options == null ? GenerationOptions.greedy() : options, listener);
  }

  /** The rendered chat prompt for a request (no model call). */
  public String prompt(GenerationRequest request) {
    return generator.prompt(request);
  }

  /** Internals for parity checks and benchmarks. */
  public Generator generator() {
    return generator;
  }

  public CxrLlavaModel model() {
    return model;
  }

  public CxrLlavaConfig config() {
    return checkpoint.config();
  }

  @Override
  public synchronized void close() {
    model.close();
    tokenizer.close();
    checkpoint.close();
  }
}
