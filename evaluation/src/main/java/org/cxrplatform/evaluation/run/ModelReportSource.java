package org.cxrplatform.evaluation.run;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.RuntimeOptions;

/**
 * The model writes the reports: each batch is one {@link CxrLlava#generate} call with the report
 * question, as the inference service asks it. Timings recorded per study are those of its batch.
 */
public final class ModelReportSource implements ReportSource {

    private final CxrLlava model;
    private final GenerationOptions options;
    private final String sourceId;

    private ModelReportSource(CxrLlava model, GenerationOptions options) {
        this.model = model;
        this.options = options;
        ModelInfo info = model.info();
        this.sourceId = "model:" + info.modelId() + "@" + info.weightsDigest() + " prompt:" + CxrLlava.PROMPT_VERSION
                + " decoding:"
                + (options.greedyDecoding()
                        ? "greedy"
                        : "t=" + options.temperature() + ",p=" + options.topP() + ",seed=" + options.seed())
                + " max-new-tokens:" + options.maxNewTokens();
    }

    public static ModelReportSource load(Path modelDir, RuntimeOptions runtime, GenerationOptions options) {
        return new ModelReportSource(CxrLlava.load(modelDir, runtime), options);
    }

    public ModelInfo info() {
        return model.info();
    }

    @Override
    public String sourceId() {
        return sourceId;
    }

    @Override
    public List<Generated> generate(List<StudyInput> batch) throws IOException {
        List<GenerationRequest> requests = new ArrayList<>(batch.size());
        for (StudyInput s : batch) {
            BufferedImage image = ImageLoader.readGrey8(s.image());
            requests.add(GenerationRequest.report(image));
        }
        List<Generation> out = model.generate(requests, options, null);
        List<Generated> result = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Generation g = out.get(i);
            result.add(new Generated(
                    batch.get(i).id(),
                    batch.get(i).imageName(),
                    sourceId,
                    g.text(),
                    g.imageTokens(),
                    g.generatedIds().length,
                    g.visionMs(),
                    g.prefillMs(),
                    g.decodeMs()));
        }
        return result;
    }

    @Override
    public void close() {
        model.close();
    }
}
