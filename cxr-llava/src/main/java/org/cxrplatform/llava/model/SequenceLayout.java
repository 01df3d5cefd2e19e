package org.cxrplatform.llava.model;

/**
 * Where each row of a left-padded batch starts: row b has {@code pads[b]} padding slots before its
 * first real token. Positions run 0..n-1 over each row's real tokens, and no query attends to a
 * padding slot, so a row computes what it would compute alone.
 */
public record SequenceLayout(int[] pads) {

  /** Large negative instead of -inf: a fully masked padding row then stays finite (no NaN leaks). */
  static final float MASKED = -1e9f;

  public int batch() {
    return pads.length;
  }

  /** RoPE position of slot {@code slot} in row {@code b} (0 for padding slots). */
  int position(int b, int slot) {
    return Math.max(0, slot - pads[b]);
  }

  /** Additive attention mask [B,1,T,end] for queries at slots start..start+T-1 over keys 0..end-1. */
  float[] mask(int start, int t, int end) {
    int b = pads.length;
    float[] m = new float[b * t * end];
    for (int r = 0; r < b; r++) {
      for (int q = 0; q < t; q++) {
        int qSlot = start + q;
        int base = (r * t + q) * end;
        for (int k = 0; k < end; k++) {
          boolean visible = k <= qSlot && k >= pads[r];
          m[base + k] = visible ? 0f : MASKED;
        }
      }
    }
    return m;
  }
}
