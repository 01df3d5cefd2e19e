package org.cxrplatform.inference.model;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.inference.config.InferenceConfig;
import org.cxrplatform.inference.config.ModelConfig;
import org.cxrplatform.llava.GenerationOptions;

/** GET /model: which model this replica runs, how (device, engine slots, generation), and whether it is loaded. */
@Path("/model")
public class ModelResource {

    @Inject
    ModelService models;

    @Inject
    ModelConfig modelConfig;

    @Inject
    InferenceConfig config;

    /** The model's identity (the one every output carries), its shape, runtime and generation mode. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> model() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", models.state().name());
        ModelIdentity identity = models.identity();
        if (identity != null) {
            body.put("identity", identity);
            body.put("version", identity.version());
        }
        ReportModel model = models.model();
        if (model != null) {
            body.put("info", model.info());
            body.put("engine", Map.of("slots", model.slots(), "reservedSlots", model.reservedSlots()));
        }
        if (models.modelDir() != null) {
            body.put("dir", models.modelDir().toString());
        }
        body.put("device", modelConfig.device());
        body.put("dtype", modelConfig.dtype());
        GenerationOptions g = models.generationOptions();
        body.put(
                "generation",
                Map.of(
                        "mode",
                        models.generationLabel(),
                        "maxNewTokens",
                        g.maxNewTokens(),
                        "temperature",
                        g.temperature(),
                        "topP",
                        g.topP(),
                        "seed",
                        g.seed(),
                        "repetitionGuard",
                        g.repetitionGuard().enabled()));
        body.put("lanes", config.lanes());
        body.put("loadMillis", models.loadMillis());
        if (models.error() != null) {
            body.put("error", models.error());
        }
        return body;
    }
}
