package org.cxrplatform.llava.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cxrplatform.llava.Generation;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.TokenListener;
import org.cxrplatform.llava.checkpoint.ChatTemplate;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.llava.model.CxrLlavaModel;
import org.cxrplatform.llava.model.DecodeSession;
import org.cxrplatform.llava.model.SequenceLayout;

/**
 * Batched generation: preprocess and prompt every request, encode all images in one vision call,
 * left-pad the prompts into one prefill, then decode one token per unfinished row per step.
 * Padding slots are masked and positions are per row, so each row's tokens equal those it gets alone.
 */
public final class Generator {

  /** A request turned into model inputs. */
  public record Prepared(String prompt, int[] inputIds, float[] pixelValues) {}

  private final CxrLlavaModel model;
  private final LlavaTokenizer tokenizer;
  private final ChatTemplate template;
  private final CxrPreprocessor preprocessor;
  private final CxrLlavaConfig config;

  public Generator(CxrLlavaModel model, LlavaTokenizer tokenizer, ChatTemplate template, CxrPreprocessor preprocessor) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
    this.preprocessor = preprocessor;
    this.config = model.config();
  }

  public String prompt(GenerationRequest request) {
    return template.render(Prompts.chat(request));
  }

  public Prepared prepare(GenerationRequest request) {
    String prompt = prompt(request);
    int[] ids = tokenizer.encodePrompt(prompt);
    long images = Arrays.stream(ids).filter(i -> i == LlavaTokenizer.IMAGE_TOKEN_INDEX).count();
    if (images != 1) {
      throw new IllegalArgumentException("the prompt must hold exactly one <image>, found " + images);
    }
    return new Prepared(prompt, ids, preprocessor.pixelValues(request.image()));
  }

  /** Input embeddings of one prompt [L*D]: tokens before the image ++ image features ++ tokens after. */
  public float[] embed(int[] ids, float[] imageFeatures) {
    int d = config.hiddenSize();
    int n = sequenceLength(ids);
    float[] out = new float[n * d];
    int slot = 0;
    for (int id : ids) {
      if (id == LlavaTokenizer.IMAGE_TOKEN_INDEX) {
        System.arraycopy(imageFeatures, 0, out, slot * d, imageFeatures.length);
        slot += config.imageTokens();
      } else {
        System.arraycopy(model.embedding(id), 0, out, slot * d, d);
        slot++;
      }
    }
    return out;
  }

  /** Prompt length in decoder slots (the image placeholder counts as G² slots). */
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

  public List<Generation> generate(List<GenerationRequest> batch, GenerationOptions options, TokenListener listener) {
    if (batch.isEmpty()) {
      return List.of();
    }
    int b = batch.size();
    int d = config.hiddenSize();
    List<Prepared> prepared = new ArrayList<>();
    for (GenerationRequest r : batch) {
      prepared.add(prepare(r));
    }

    long t0 = System.nanoTime();
    float[][] features = model.encodeImages(prepared.stream().map(Prepared::pixelValues).toList()); // [B][G²*D]
    long t1 = System.nanoTime();

    int[] lengths = new int[b];
    int[] maxNew = new int[b];
    int longest = 0;
    int mostNew = 0;
    for (int r = 0; r < b; r++) {
      lengths[r] = sequenceLength(prepared.get(r).inputIds());
      longest = Math.max(longest, lengths[r]);
      int room = config.maxPositionEmbeddings() - lengths[r];
      if (room < 1) {
        throw new IllegalArgumentException("prompt of request " + r + " takes " + lengths[r]
            + " positions, the model has " + config.maxPositionEmbeddings());
      }
      maxNew[r] = Math.min(room, options.maxNewTokens() > 0 ? options.maxNewTokens() : defaultMaxNewTokens(lengths[r]));
      mostNew = Math.max(mostNew, maxNew[r]);
    }
    int[] pads = new int[b];
    float[] prompt = new float[b * longest * d]; // left-padded [B,Lmax,D]
    for (int r = 0; r < b; r++) {
      pads[r] = longest - lengths[r];
      float[] e = embed(prepared.get(r).inputIds(), features[r]);
      System.arraycopy(e, 0, prompt, (r * longest + pads[r]) * d, e.length);
    }

    Sampler[] samplers = new Sampler[b];
    List<List<Integer>> generated = new ArrayList<>();
    boolean[] done = new boolean[b];
    for (int r = 0; r < b; r++) {
      samplers[r] = new Sampler(options.temperature(), options.topP(), options.seed());
      generated.add(new ArrayList<>());
    }

    long t2;
    long t3;
    try (DecodeSession session = model.newSession(new SequenceLayout(pads), longest + mostNew, options.useKvCache())) {
      DecodeSession.Output out = session.prefill(prompt, longest, false);
      t2 = System.nanoTime();
      while (true) {
        float[] next = new float[b * d];
        boolean anyOpen = false;
        for (int r = 0; r < b; r++) {
          int token = config.eosTokenId();
          if (!done[r]) {
            token = samplers[r].next(out.logits()[r]);
            generated.get(r).add(token);
            if (listener != null) {
              listener.onToken(r, token, tokenizer.decode(ids(generated.get(r))));
            }
            done[r] = token == config.eosTokenId() || generated.get(r).size() >= maxNew[r];
            anyOpen |= !done[r];
          }
          System.arraycopy(model.embedding(token), 0, next, r * d, d);
        }
        if (!anyOpen) {
          break;
        }
        out = session.step(next);
      }
      t3 = System.nanoTime();
    }

    List<Generation> results = new ArrayList<>();
    for (int r = 0; r < b; r++) {
      int[] gen = ids(generated.get(r));
      Prepared p = prepared.get(r);
      results.add(new Generation(p.prompt(), p.inputIds(), gen, tokenizer.decode(gen), config.imageTokens(),
          ms(t1 - t0), ms(t2 - t1), ms(t3 - t2)));
    }
    return results;
  }

  private static int[] ids(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000L;
  }
}
