package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;

/**
 * open_clip ViT with one input channel, then the mm_projector: pixel_values [B,1,S,S] → image
 * features [B,G²,D]. Weights by their Hugging Face names; see docs/cxr-llava-v2.md.
 */
final class VisionTower {

    private record Block(
            NDArray ln1W,
            NDArray ln1B,
            NDArray inProjW,
            NDArray inProjB,
            NDArray outW,
            NDArray outB,
            NDArray ln2W,
            NDArray ln2B,
            NDArray fcW,
            NDArray fcB,
            NDArray projW,
            NDArray projB) {}

    private final int size; // S
    private final int patch; // P
    private final int grid; // G = S / P
    private final int width; // W
    private final int heads; // W / head_width
    private final int headWidth; // head_width
    private final NDArray patchW; // [W, P²] (conv1 [W,1,P,P] flattened; kernel = stride, no bias)
    private final NDArray classEmb; // [W]
    private final NDArray posEmb; // [1+G², W]
    private final NDArray lnPreW;
    private final NDArray lnPreB;
    private final Block[] blocks;
    private final NDArray lnPostW;
    private final NDArray lnPostB;
    private final NDArray projectorW; // [D, W]
    private final NDArray projectorB; // [D]

    VisionTower(CxrLlavaConfig c, Tensors t) {
        size = c.imageSize();
        patch = c.patchSize();
        grid = c.gridSize();
        width = c.visionWidth();
        heads = c.visionHeads();
        headWidth = c.visionHeadWidth();
        patchW = t.load("vision_tower.conv1.weight").reshape(width, (long) patch * patch);
        classEmb = t.load("vision_tower.class_embedding");
        posEmb = t.load("vision_tower.positional_embedding");
        lnPreW = t.load("vision_tower.ln_pre.weight");
        lnPreB = t.load("vision_tower.ln_pre.bias");
        blocks = new Block[c.visionLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "vision_tower.transformer.resblocks." + i + ".";
            blocks[i] = new Block(
                    t.load(p + "ln_1.weight"), t.load(p + "ln_1.bias"),
                    t.load(p + "attn.in_proj_weight"), t.load(p + "attn.in_proj_bias"),
                    t.load(p + "attn.out_proj.weight"), t.load(p + "attn.out_proj.bias"),
                    t.load(p + "ln_2.weight"), t.load(p + "ln_2.bias"),
                    t.load(p + "mlp.c_fc.weight"), t.load(p + "mlp.c_fc.bias"),
                    t.load(p + "mlp.c_proj.weight"), t.load(p + "mlp.c_proj.bias"));
        }
        lnPostW = t.load("vision_tower.ln_post.weight");
        lnPostB = t.load("vision_tower.ln_post.bias");
        projectorW = t.load("mm_projector.weight");
        projectorB = t.load("mm_projector.bias");
    }

    /** pixel_values [B,1,S,S] → image features [B,G²,D]. Call inside an NDScope. */
    NDArray forward(NDArray pixels) {
        long b = pixels.getShape().get(0);
        int n = grid * grid;
        // conv1 with kernel = stride = P is a matmul over non-overlapping patches
        NDArray x = pixels.reshape(b, grid, patch, grid, patch) // [B,G,P,G,P]
                .transpose(0, 1, 3, 2, 4) // [B,G,G,P,P]
                .reshape(b, n, (long) patch * patch); // [B,G²,P²]
        x = Nn.linear(x, patchW); // [B,G²,W]
        NDArray cls = classEmb.reshape(1, 1, width).broadcast(b, 1, width); // [B,1,W]
        x = NDArrays.concat(new NDList(cls, x), 1); // [B,1+G²,W]
        x = x.add(posEmb); // [B,1+G²,W]
        x = Nn.layerNorm(x, lnPreW, lnPreB); // [B,1+G²,W]
        for (Block blk : blocks) {
            NDArray in = x;
            x = Nn.scoped(() -> resblock(in, blk)); // [B,1+G²,W]
        }
        x = Nn.layerNorm(x, lnPostW, lnPostB); // [B,1+G²,W]
        x = x.get(":, 1:, :"); // [B,G²,W] drop the class token
        return Nn.linear(x, projectorW, projectorB); // [B,G²,D]
    }

    /** Pre-norm residual block: attention then MLP. */
    private NDArray resblock(NDArray x, Block blk) {
        x = x.add(attention(Nn.layerNorm(x, blk.ln1W, blk.ln1B), blk)); // [B,1+G²,W]
        NDArray h = Nn.layerNorm(x, blk.ln2W, blk.ln2B); // [B,1+G²,W]
        h = Nn.gelu(Nn.linear(h, blk.fcW, blk.fcB)); // [B,1+G²,mlp·W]
        return x.add(Nn.linear(h, blk.projW, blk.projB)); // [B,1+G²,W]
    }

    /** Bidirectional multi-head self-attention; in_proj rows are q, k, v. */
    private NDArray attention(NDArray x, Block blk) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray qkv = Nn.linear(x, blk.inProjW, blk.inProjB); // [B,T,3W]
        NDArray q = qkv.get(":, :, 0:{}", width).reshape(b, t, heads, headWidth).transpose(0, 2, 1, 3); // [B,H,T,hw]
        NDArray k = qkv.get(":, :, {}:{}", width, 2 * width)
                .reshape(b, t, heads, headWidth)
                .transpose(0, 2, 1, 3); // [B,H,T,hw]
        NDArray v =
                qkv.get(":, :, {}:", 2 * width).reshape(b, t, heads, headWidth).transpose(0, 2, 1, 3); // [B,H,T,hw]
        NDArray scores = q.mul((float) (1.0 / Math.sqrt(headWidth))).matMul(k.transpose(0, 1, 3, 2)); // [B,H,T,T]
        NDArray probs = Nn.softmax(scores); // [B,H,T,T]
        NDArray out = probs.matMul(v); // [B,H,T,hw]
        probs.close();
        out = out.transpose(0, 2, 1, 3).reshape(b, t, width); // [B,T,W]
        return Nn.linear(out, blk.outW, blk.outB); // [B,T,W]
    }

    int imageSize() {
        return size;
    }
}
