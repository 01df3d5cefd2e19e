package org.cxrplatform.llava.checkpoint;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private final HuggingFaceTokenizer tokenizer;
  private final int bosId;

  private LlavaTokenizer(HuggingFaceTokenizer tokenizer, int bosId) {
    this.tokenizer = tokenizer;
    this.bosId = bosId;
  }

  public static LlavaTokenizer load(Path modelDir, int bosId) {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("no tokenizer.json in " + modelDir);
    }
    try {
      HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(file, Map.of(
          "addSpecialTokens", "true", "truncation", "false", "padding", "false", "maxLength", "1000000"));
      return new LlavaTokenizer(tok, bosId);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("cannot load " + file + ": " + e.getMessage(), e);
    }
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
