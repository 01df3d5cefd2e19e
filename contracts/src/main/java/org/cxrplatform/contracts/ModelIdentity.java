package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which model wrote a report, precisely enough to reproduce it.
 *
 * @param modelId        a name for the checkpoint folder, for example "ECOFRI/CXR-LLAVA-v2"
 * @param weightsDigest  sha256 over the safetensors shards, hex
 * @param promptVersion  version of the prompt/task text the report was generated with
 * @param generation     "greedy" or "sample(t=0.2,p=0.8,seed=…)"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIdentity(String modelId, String weightsDigest, String promptVersion, String generation) {

    /** The weights digest as {@code sha256:<hex>}, whether or not the loader wrote the prefix; null if unknown. */
    public String weightsSha256() {
        return weightsDigest == null
                ? null
                : weightsDigest.startsWith("sha256:") ? weightsDigest : "sha256:" + weightsDigest;
    }

    /** The key report-service keeps one report per study under. */
    public String version() {
        String digest =
                weightsDigest == null ? "unknown" : weightsDigest.substring(0, Math.min(12, weightsDigest.length()));
        return modelId + "@" + digest + "/" + promptVersion;
    }
}
