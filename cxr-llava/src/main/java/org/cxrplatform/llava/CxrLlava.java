package org.cxrplatform.llava;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.cxrplatform.llava.checkpoint.ChatTemplate;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.cxrplatform.llava.generate.PromptEncoder;
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
 * <p>Two ways to generate: {@link #generate} runs a list of requests to completion (batch jobs, the
 * command line, evaluation); {@link #engine()} is the continuous-batching engine underneath, for a
 * scheduler that hands requests in one by one and runs the engine's step loop itself.
 *
 * <p>Thread safety: {@link #generate} may be called from several threads; their requests share the
 * engine's running batch. {@link #info()} and {@link #prompt} may be called from any thread.
 */
public final class CxrLlava implements AutoCloseable {

    /** Identifies the prompt wording and tokenisation; changes whenever they change. */
    public static final String PROMPT_VERSION = "cxr-llava-v2-report-1";

    private final Checkpoint checkpoint;
    private final CxrLlavaModel model;
    private final LlavaTokenizer tokenizer;
    private final PromptEncoder prompts;
    private final org.cxrplatform.llava.engine.Engine engine;
    private final ModelInfo info;

    private CxrLlava(
            Checkpoint checkpoint,
            CxrLlavaModel model,
            LlavaTokenizer tokenizer,
            PromptEncoder prompts,
            org.cxrplatform.llava.engine.Engine engine) {
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.engine = engine;
        CxrLlavaConfig c = checkpoint.config();
        this.info = new ModelInfo(
                c.modelId(),
                checkpoint.weightsDigest(),
                c.modelType(),
                c.imageSize(),
                c.imageTokens(),
                c.hiddenSize(),
                c.layers(),
                c.vocabSize(),
                checkpoint.parameterCount());
    }

    /** {@link #load(Path, RuntimeOptions, EngineConfig)} with {@link EngineConfig#defaults()}. */
    public static CxrLlava load(Path modelDir, RuntimeOptions options) {
        return load(modelDir, options, EngineConfig.defaults());
    }

    /**
     * Opens the folder, checks every tensor's presence and shape, loads the weights and starts the
     * engine (its KV cache is allocated now, sized by the engine's memory budget).
     *
     * @throws CheckpointException for a folder that is not a usable CXR-LLaVA v2 checkpoint
     * @throws SetupException (an {@link IllegalStateException}) in one line naming the fix: a GPU asked of
     *     the CPU build or not visible to the CUDA build, fp16 on a CPU whose natives are older than
     *     PyTorch 2.7, natives that do not start, a memory budget that
     *     holds fewer sequences than the engine's configured slots
     */
    public static CxrLlava load(Path modelDir, RuntimeOptions options, EngineConfig engineConfig) {
        RuntimeOptions opts = options == null ? RuntimeOptions.cpu() : options;
        Device device = Natives.device(opts);
        DataType dtype = opts.dtype().equals("fp16") ? DataType.FLOAT16 : DataType.FLOAT32;
        Checkpoint checkpoint = Checkpoint.open(modelDir);
        LlavaTokenizer tokenizer = null;
        CxrLlavaModel model = null;
        try {
            CxrLlavaConfig c = checkpoint.config();
            ChatTemplate template = ChatTemplate.read(modelDir);
            tokenizer = LlavaTokenizer.load(modelDir, c.bosTokenId());
            model = CxrLlavaModel.load(checkpoint, device, dtype);
            PromptEncoder prompts = new PromptEncoder(
                    c, tokenizer, template, new CxrPreprocessor(c.imageSize(), c.pixelMean(), c.pixelStd()));
            org.cxrplatform.llava.engine.Engine engine = org.cxrplatform.llava.engine.Engine.start(
                    model, prompts, tokenizer, engineConfig == null ? EngineConfig.defaults() : engineConfig);
            return new CxrLlava(checkpoint, model, tokenizer, prompts, engine);
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

    public ModelInfo info() {
        return info;
    }

    /**
     * Runs the requests to completion through the engine; results in request order. Each row's output
     * equals what it gets alone. {@code listener} may be null; it gets each token with the row's text
     * so far. Throws what a failed request failed with (the others are cancelled).
     */
    public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
        List<RequestHandle> handles = new ArrayList<>(batch.size());
        try {
            for (int i = 0; i < batch.size(); i++) {
                handles.add(engine.submit(batch.get(i), options, 0, listener == null ? null : streamTo(listener, i)));
            }
            stepUntilDone(handles);
            List<Generation> out = new ArrayList<>(handles.size());
            for (RequestHandle h : handles) {
                out.add(h.result().join().toGeneration());
            }
            return out;
        } catch (RuntimeException e) {
            handles.forEach(RequestHandle::cancel);
            stepUntilDone(handles); // nothing of this call stays in the engine
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void stepUntilDone(List<RequestHandle> handles) {
        for (RequestHandle h : handles) {
            while (!h.isDone()) {
                engine.step();
            }
        }
    }

    /** Adapts the engine's per-piece events to the row / text-so-far listener of {@link #generate}. */
    private static GenerationListener streamTo(TokenListener listener, int row) {
        StringBuilder text = new StringBuilder();
        return new GenerationListener() {
            @Override
            public void onToken(RequestHandle request, int tokenId, String textPiece) {
                text.append(textPiece);
                listener.onToken(row, tokenId, text.toString());
            }
        };
    }

    /** The continuous-batching engine this model runs on (see {@link org.cxrplatform.llava.engine.Engine}). */
    public org.cxrplatform.llava.engine.Engine engine() {
        return engine;
    }

    /** The rendered chat prompt for a request (no model call). */
    public String prompt(GenerationRequest request) {
        return prompts.prompt(request);
    }

    /** Internals for parity checks and benchmarks. */
    public PromptEncoder prompts() {
        return prompts;
    }

    public CxrLlavaModel model() {
        return model;
    }

    public CxrLlavaConfig config() {
        return checkpoint.config();
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public synchronized void close() {
        engine.close();
        model.close();
        tokenizer.close();
        checkpoint.close();
    }
}
