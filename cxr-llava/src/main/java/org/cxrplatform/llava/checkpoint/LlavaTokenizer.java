package org.cxrplatform.llava.checkpoint;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cxrplatform.llava.CheckpointException;

/**
 * {@code tokenizer.json} (byte-fallback BPE) plus LLaVA's image-placeholder tokenisation: the
 * rendered prompt is split at {@code <image>}, each chunk tokenised with special tokens (so each
 * gets a leading BOS), the first chunk kept whole and the others without their BOS, and
 * {@link #IMAGE_TOKEN_INDEX} placed between chunks.
 */
public final class LlavaTokenizer implements AutoCloseable {

    public static final int IMAGE_TOKEN_INDEX = -200;
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    private final HuggingFaceTokenizer tokenizer;
    private final int bosId;
    private final BitSet byteTokens;
    private final BitSet specialTokens;

    private LlavaTokenizer(HuggingFaceTokenizer tokenizer, int bosId, BitSet byteTokens, BitSet specialTokens) {
        this.tokenizer = tokenizer;
        this.bosId = bosId;
        this.byteTokens = byteTokens;
        this.specialTokens = specialTokens;
    }

    public static LlavaTokenizer load(Path modelDir, int bosId) {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no tokenizer.json in " + modelDir);
        }
        try {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(
                    file,
                    Map.of(
                            "addSpecialTokens",
                            "true",
                            "truncation",
                            "false",
                            "padding",
                            "false",
                            "maxLength",
                            "1000000"));
            return new LlavaTokenizer(tok, bosId, byteTokens(json), specialTokens(json));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** Ids of the byte-fallback tokens ({@code <0xNN>}) of a byte-fallback BPE vocabulary; empty otherwise. */
    private static BitSet byteTokens(JsonNode tokenizerJson) {
        BitSet ids = new BitSet();
        JsonNode model = tokenizerJson.path("model");
        if (model.path("byte_fallback").asBoolean(false)) {
            model.path("vocab").fields().forEachRemaining(e -> {
                if (BYTE_TOKEN.matcher(e.getKey()).matches()) {
                    ids.set(e.getValue().asInt());
                }
            });
        }
        return ids;
    }

    /** Ids of the added tokens marked special: what decoding skips. */
    private static BitSet specialTokens(JsonNode tokenizerJson) {
        BitSet ids = new BitSet();
        for (JsonNode t : tokenizerJson.path("added_tokens")) {
            if (t.path("special").asBoolean(false)) {
                ids.set(t.path("id").asInt());
            }
        }
        return ids;
    }

    /** Whether {@code id} is a special token (BOS, EOS, UNK...), which {@link #decode} leaves out. */
    public boolean isSpecial(int id) {
        return id >= 0 && specialTokens.get(id);
    }

    /**
     * Whether {@code id} is a byte-fallback token. The decoder turns a run of them into text as a
     * whole (one U+FFFD per token when the run is not valid UTF-8), so a run's text is known only
     * once a token of another kind follows.
     */
    public boolean isByteToken(int id) {
        return id >= 0 && byteTokens.get(id);
    }

    /** Token ids of a whole prompt, with {@link #IMAGE_TOKEN_INDEX} where {@code <image>} stood. */
    public int[] encodePrompt(String prompt) {
        String[] chunks = prompt.split(IMAGE_PLACEHOLDER, -1);
        List<int[]> encoded = new ArrayList<>();
        for (String chunk : chunks) {
            encoded.add(encode(chunk));
        }
        List<Integer> ids = new ArrayList<>();
        int offset = 0;
        int[] first = encoded.get(0);
        if (first.length > 0 && first[0] == bosId) {
            offset = 1;
            ids.add(bosId);
        }
        for (int c = 0; c < encoded.size(); c++) {
            if (c > 0) {
                ids.add(IMAGE_TOKEN_INDEX);
            }
            int[] chunk = encoded.get(c);
            for (int i = offset; i < chunk.length; i++) {
                ids.add(chunk[i]);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One text chunk with special tokens (the post-processor adds BOS). */
    public int[] encode(String text) {
        Encoding enc = tokenizer.encode(text, true, false);
        long[] ids = enc.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Text of generated ids, skipping special tokens. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
