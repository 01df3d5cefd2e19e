package org.cxrplatform.llava.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.llava.CheckpointException;

/**
 * Everything the forward pass needs from {@code config.json}, with the reference's defaults
 * ({@code head_width} 64, {@code mlp_ratio} 4, {@code rope_theta} 10000, {@code rms_norm_eps} 1e-5).
 */
public record CxrLlavaConfig(
        String modelId,
        String modelType,
        // vision tower (open_clip ViT, one input channel)
        int imageSize,
        int patchSize,
        int visionWidth,
        int visionLayers,
        int visionHeadWidth,
        double mlpRatio,
        boolean quickGelu,
        float pixelMean,
        float pixelStd,
        // projector
        int projectorDim,
        // LLaMA-2 decoder
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int kvHeads,
        int vocabSize,
        float rmsNormEps,
        double ropeTheta,
        int bosTokenId,
        int eosTokenId,
        int maxPositionEmbeddings) {

    public static final String MODEL_TYPE = "CXR-LLAVA";

    public static CxrLlavaConfig read(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no config.json in model folder " + modelDir);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        String modelType = root.path("model_type").asText("");
        if (!MODEL_TYPE.equalsIgnoreCase(modelType)) {
            throw new CheckpointException("unknown model_type '" + modelType + "' in " + file + ": expected '"
                    + MODEL_TYPE + "' (a CXR-LLaVA v2 folder such as ECOFRI/CXR-LLAVA-v2)");
        }
        JsonNode vision = required(root, "clip_vision_cfg", file);
        JsonNode pre = root.path("image_preprocess_cfg");
        JsonNode llama = required(root, "llama", file);
        String llamaType = llama.path("model_type").asText("llama");
        if (!"llama".equals(llamaType)) {
            throw new CheckpointException(
                    "unknown llama.model_type '" + llamaType + "' in " + file + ": expected 'llama'");
        }
        int heads = intField(llama, "num_attention_heads", file);
        int hidden = intField(llama, "hidden_size", file);
        String modelId = root.path("_name_or_path").asText("");
        if (modelId.isBlank()) {
            Path name = modelDir.toAbsolutePath().normalize().getFileName();
            modelId = name == null ? "cxr-llava" : name.toString();
        }
        int width = intField(vision, "width", file);
        CxrLlavaConfig config = new CxrLlavaConfig(
                modelId,
                modelType,
                intField(vision, "image_size", file),
                intField(vision, "patch_size", file),
                width,
                intField(vision, "layers", file),
                vision.path("head_width").asInt(64),
                vision.path("mlp_ratio").asDouble(4.0),
                root.path("clip_quick_gelu").asBoolean(false),
                (float) pre.path("mean").asDouble(0.5518136078431373),
                (float) pre.path("std").asDouble(0.3821719215686275),
                root.path("mm_projector_dim").asInt(width),
                hidden,
                intField(llama, "intermediate_size", file),
                intField(llama, "num_hidden_layers", file),
                heads,
                llama.path("num_key_value_heads").asInt(heads),
                intField(llama, "vocab_size", file),
                (float) llama.path("rms_norm_eps").asDouble(1e-5),
                llama.path("rope_theta").isNumber() ? llama.path("rope_theta").asDouble() : 10000.0,
                llama.path("bos_token_id").asInt(1),
                llama.path("eos_token_id").asInt(2),
                llama.path("max_position_embeddings").asInt(4096));
        config.validate(file);
        return config;
    }

    private void validate(Path file) {
        check(
                imageSize % patchSize == 0,
                "clip_vision_cfg.image_size " + imageSize + " is not a multiple of patch_size " + patchSize,
                file);
        check(
                visionWidth % visionHeadWidth == 0,
                "clip_vision_cfg.width " + visionWidth + " is not a multiple of head_width " + visionHeadWidth,
                file);
        check(
                hiddenSize % heads == 0,
                "llama.hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + heads,
                file);
        check(
                heads % kvHeads == 0,
                "llama.num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads,
                file);
        check(headDim() % 2 == 0, "llama head dimension " + headDim() + " must be even for rotary embeddings", file);
        check(!quickGelu, "clip_quick_gelu=true is not supported (CXR-LLaVA v2 uses exact GELU)", file);
    }

    private static void check(boolean ok, String message, Path file) {
        if (!ok) {
            throw new CheckpointException(message + " (" + file + ")");
        }
    }

    private static JsonNode required(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new CheckpointException("missing '" + field + "' in " + file);
        }
        return value;
    }

    private static int intField(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new CheckpointException("missing or non-integer '" + field + "' in " + file);
        }
        return value.asInt();
    }

    /** Patches per side, G = S / P. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Image tokens the projector emits, G². */
    public int imageTokens() {
        return gridSize() * gridSize();
    }

    public int visionHeads() {
        return visionWidth / visionHeadWidth;
    }

    public int visionMlpWidth() {
        return (int) (visionWidth * mlpRatio);
    }

    public int headDim() {
        return hiddenSize / heads;
    }
}
