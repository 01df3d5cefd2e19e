package org.cxrplatform.llava.bench;

import java.util.Locale;
import org.cxrplatform.llava.checkpoint.Checkpoint;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.engine.MemoryBudget;

/**
 * The engine's memory budget for the published 7B checkpoint on 24, 40 and 80 GB cards in fp16: what
 * the weights take, what is left, and how many sequences fit at each context, computed by the same
 * {@link MemoryBudget} the engine refuses with at start-up. The CUDA context and libtorch's
 * workspaces are not measurable here (no GPU): they are taken as {@code --overhead-gib} (default 1.5).
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.CardBudgets [--overhead-gib 1.5]</pre>
 */
public final class CardBudgets {

    private CardBudgets() {}

    /** ECOFRI/CXR-LLAVA-v2's geometry (docs/cxr-llava-v2.md): ViT-L/16 at 512 px, LLaMA-2-7B. */
    public static CxrLlavaConfig sevenB() {
        return new CxrLlavaConfig(
                "ECOFRI/CXR-LLAVA-v2",
                CxrLlavaConfig.MODEL_TYPE,
                512,
                16,
                1024,
                24,
                64,
                4.0,
                false,
                0.55f,
                0.38f,
                1024,
                4096,
                11008,
                32,
                32,
                32,
                32000,
                1e-5f,
                10000,
                1,
                2,
                4096);
    }

    public static void main(String[] args) {
        double overheadGib = args.length == 2 && args[0].equals("--overhead-gib") ? Double.parseDouble(args[1]) : 1.5;
        CxrLlavaConfig c = sevenB();
        long params = Checkpoint.expectedShapes(c).values().stream()
                .mapToLong(s -> {
                    long n = 1;
                    for (long d : s) {
                        n *= d;
                    }
                    return n;
                })
                .sum();
        long weights = 2 * params;
        System.out.printf(
                Locale.ROOT,
                "7B checkpoint: %.2f B parameters, %.1f GiB in fp16; CUDA context and workspaces "
                        + "taken as %.1f GiB; the engine uses 90 %% of what is free after them, prefill chunk 256%n",
                params / 1e9,
                weights / (double) (1L << 30),
                overheadGib);
        System.out.println("card (GB) | free for the engine (GiB) | sequences at 2048 positions (1 GiB of KV each) "
                + "| at 1536 | at 1024");
        // a GPU computes in the weights' own dtype: no widened weight (0)
        for (int gb : new int[] {24, 40, 80}) {
            double cardGib = gb * 1e9 / (1L << 30);
            long free = (long) ((cardGib - overheadGib) * (1L << 30)) - weights;
            long available = free / 10 * 9;
            System.out.printf(
                    Locale.ROOT,
                    "%d | %.1f | %d | %d | %d%n",
                    gb,
                    available / (double) (1L << 30),
                    MemoryBudget.maxSlots(c, 2, 0, 2048, 256, available),
                    MemoryBudget.maxSlots(c, 2, 0, 1536, 256, available),
                    MemoryBudget.maxSlots(c, 2, 0, 1024, 256, available));
        }
    }
}
