package org.cxrplatform.llava.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cxrplatform.llava.CheckpointException;

/**
 * A CXR-LLaVA v2 Hugging Face folder: config, the safetensors shards (single file or sharded via
 * {@code model.safetensors.index.json}), every expected tensor checked for presence and shape at
 * open, and a SHA-256 digest over the shards for traceability.
 */
public final class Checkpoint implements AutoCloseable {

    private final Path dir;
    private final CxrLlavaConfig config;
    private final List<SafeTensorsFile> files;
    private final Map<String, SafeTensorsFile> byTensor;
    private final String weightsDigest;
    private final long parameterCount;

    private Checkpoint(
            Path dir,
            CxrLlavaConfig config,
            List<SafeTensorsFile> files,
            Map<String, SafeTensorsFile> byTensor,
            String weightsDigest,
            long parameterCount) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        this.byTensor = byTensor;
        this.weightsDigest = weightsDigest;
        this.parameterCount = parameterCount;
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("model folder does not exist: " + dir);
        }
        CxrLlavaConfig config = CxrLlavaConfig.read(dir);
        List<Path> shardPaths = shardPaths(dir);
        List<SafeTensorsFile> files = new ArrayList<>();
        try {
            Map<String, SafeTensorsFile> byTensor = new LinkedHashMap<>();
            for (Path p : shardPaths) {
                SafeTensorsFile f = SafeTensorsFile.open(p);
                files.add(f);
                for (String name : f.tensors().keySet()) {
                    byTensor.put(name, f);
                }
            }
            checkShapes(config, byTensor);
            long params = 0;
            for (Map.Entry<String, SafeTensorsFile> e : byTensor.entrySet()) {
                params += e.getValue().tensors().get(e.getKey()).elements();
            }
            return new Checkpoint(dir, config, List.copyOf(files), byTensor, digest(shardPaths), params);
        } catch (RuntimeException e) {
            files.forEach(SafeTensorsFile::close);
            throw e;
        }
    }

    private static List<Path> shardPaths(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            try {
                JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
                TreeSet<String> names = new TreeSet<>();
                for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
                    names.add(it.next().asText());
                }
                if (names.isEmpty()) {
                    throw new CheckpointException("empty weight_map in " + index);
                }
                List<Path> paths = new ArrayList<>();
                for (String n : names) {
                    Path p = dir.resolve(n);
                    if (!Files.isRegularFile(p)) {
                        throw new CheckpointException("shard " + n + " named by " + index + " is missing");
                    }
                    paths.add(p);
                }
                return paths;
            } catch (IOException e) {
                throw new CheckpointException("cannot parse " + index + ": " + e.getMessage(), e);
            }
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        throw new CheckpointException("no model.safetensors or model.safetensors.index.json in " + dir);
    }

    /** Every tensor the forward pass reads, with the shape the config implies. */
    public static Map<String, long[]> expectedShapes(CxrLlavaConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long w = c.visionWidth();
        long p = c.patchSize();
        long mlp = c.visionMlpWidth();
        s.put("vision_tower.conv1.weight", new long[] {w, 1, p, p});
        s.put("vision_tower.class_embedding", new long[] {w});
        s.put("vision_tower.positional_embedding", new long[] {1 + c.imageTokens(), w});
        s.put("vision_tower.ln_pre.weight", new long[] {w});
        s.put("vision_tower.ln_pre.bias", new long[] {w});
        for (int i = 0; i < c.visionLayers(); i++) {
            String b = "vision_tower.transformer.resblocks." + i + ".";
            s.put(b + "ln_1.weight", new long[] {w});
            s.put(b + "ln_1.bias", new long[] {w});
            s.put(b + "attn.in_proj_weight", new long[] {3 * w, w});
            s.put(b + "attn.in_proj_bias", new long[] {3 * w});
            s.put(b + "attn.out_proj.weight", new long[] {w, w});
            s.put(b + "attn.out_proj.bias", new long[] {w});
            s.put(b + "ln_2.weight", new long[] {w});
            s.put(b + "ln_2.bias", new long[] {w});
            s.put(b + "mlp.c_fc.weight", new long[] {mlp, w});
            s.put(b + "mlp.c_fc.bias", new long[] {mlp});
            s.put(b + "mlp.c_proj.weight", new long[] {w, mlp});
            s.put(b + "mlp.c_proj.bias", new long[] {w});
        }
        s.put("vision_tower.ln_post.weight", new long[] {w});
        s.put("vision_tower.ln_post.bias", new long[] {w});
        long d = c.hiddenSize();
        long kv = (long) c.kvHeads() * c.headDim();
        long ff = c.intermediateSize();
        long v = c.vocabSize();
        s.put("mm_projector.weight", new long[] {d, c.projectorDim()});
        s.put("mm_projector.bias", new long[] {d});
        s.put("llama.embed_tokens.weight", new long[] {v, d});
        for (int i = 0; i < c.layers(); i++) {
            String b = "llama.layers." + i + ".";
            s.put(b + "input_layernorm.weight", new long[] {d});
            s.put(b + "self_attn.q_proj.weight", new long[] {d, d});
            s.put(b + "self_attn.k_proj.weight", new long[] {kv, d});
            s.put(b + "self_attn.v_proj.weight", new long[] {kv, d});
            s.put(b + "self_attn.o_proj.weight", new long[] {d, d});
            s.put(b + "post_attention_layernorm.weight", new long[] {d});
            s.put(b + "mlp.gate_proj.weight", new long[] {ff, d});
            s.put(b + "mlp.up_proj.weight", new long[] {ff, d});
            s.put(b + "mlp.down_proj.weight", new long[] {d, ff});
        }
        s.put("llama.norm.weight", new long[] {d});
        s.put("lm_head.weight", new long[] {v, d});
        return s;
    }

    private static void checkShapes(CxrLlavaConfig config, Map<String, SafeTensorsFile> byTensor) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            SafeTensorsFile f = byTensor.get(e.getKey());
            if (f == null) {
                problems.add(
                        "missing tensor " + e.getKey() + " (expected shape " + Arrays.toString(e.getValue()) + ")");
                continue;
            }
            long[] actual = f.tensors().get(e.getKey()).shape();
            if (!Arrays.equals(actual, e.getValue())) {
                problems.add("tensor " + e.getKey() + ": expected shape " + Arrays.toString(e.getValue()) + " but "
                        + f.path().getFileName() + " has " + Arrays.toString(actual));
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("checkpoint does not match its config.json: " + String.join("; ", problems));
        }
    }

    private static String digest(List<Path> shards) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (Path p : shards) {
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new CheckpointException("cannot read shards for the weights digest: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public CxrLlavaConfig config() {
        return config;
    }

    /** SHA-256 over the shard files in name order, as "sha256:hex". */
    public String weightsDigest() {
        return weightsDigest;
    }

    public long parameterCount() {
        return parameterCount;
    }

    public float[] floats(String name) {
        return file(name).readFloats(name);
    }

    public float[] row(String name, int row) {
        return file(name).readRow(name, row);
    }

    public long[] shape(String name) {
        return file(name).tensors().get(name).shape();
    }

    private SafeTensorsFile file(String name) {
        SafeTensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new CheckpointException("missing tensor " + name + " in " + dir);
        }
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafeTensorsFile::close);
    }
}
