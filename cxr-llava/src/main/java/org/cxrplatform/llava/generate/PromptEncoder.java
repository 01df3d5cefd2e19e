package org.cxrplatform.llava.generate;

import java.util.Arrays;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.checkpoint.ChatTemplate;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.cxrplatform.llava.image.CxrPreprocessor;

/**
 * Turns a request into model inputs on the host: the chat prompt rendered from the checkpoint's
 * template, its token ids (image placeholder = {@link LlavaTokenizer#IMAGE_TOKEN_INDEX}) and the
 * preprocessed pixels. Thread-safe: the engine calls it on the submitting thread.
 */
public final class PromptEncoder {

    /** A request turned into model inputs. */
    public record Prepared(String prompt, int[] inputIds, float[] pixelValues) {}

    private final LlavaTokenizer tokenizer;
    private final ChatTemplate template;
    private final CxrPreprocessor preprocessor;
    private final CxrLlavaConfig config;

    public PromptEncoder(
            CxrLlavaConfig config, LlavaTokenizer tokenizer, ChatTemplate template, CxrPreprocessor preprocessor) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.template = template;
        this.preprocessor = preprocessor;
    }

    public String prompt(GenerationRequest request) {
        return template.render(Prompts.chat(request));
    }

    /** Prompt, ids and pixels; refuses images that are not 8-bit greyscale (IllegalArgumentException). */
    public Prepared prepare(GenerationRequest request) {
        String prompt = prompt(request);
        int[] ids = tokenizer.encodePrompt(prompt);
        long images = Arrays.stream(ids)
                .filter(i -> i == LlavaTokenizer.IMAGE_TOKEN_INDEX)
                .count();
        if (images != 1) {
            throw new IllegalArgumentException("the prompt must hold exactly one <image>, found " + images);
        }
        return new Prepared(prompt, ids, preprocessor.pixelValues(request.image()));
    }

    /** Prompt length in decoder positions (the image placeholder counts as G² positions). */
    public int sequenceLength(int[] ids) {
        int n = 0;
        for (int id : ids) {
            n += id == LlavaTokenizer.IMAGE_TOKEN_INDEX ? config.imageTokens() : 1;
        }
        return n;
    }

    /** The reference's default: min(512, 2048 − prompt length − 1). */
    public static int defaultMaxNewTokens(int promptLength) {
        return Math.max(1, Math.min(512, 2048 - promptLength - 1));
    }
}
