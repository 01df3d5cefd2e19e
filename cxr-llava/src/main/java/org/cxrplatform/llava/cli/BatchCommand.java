package org.cxrplatform.llava.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.RequestHandle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batch --model DIR --requests FILE.jsonl [--json]}: many requests through the continuous
 * batching engine, each joining the running batch at the step it arrives, to check and measure it.
 *
 * <p>Each request line: {@code {"id", "image", "task": "report"|"differential" | "question": TEXT,
 * "max_new_tokens", "arrive_at_step", "priority"}} (image relative to the requests file; every field
 * but id and image optional). Each output line, in request order: {@code {"id", "generated_ids",
 * "text", "admitted_at_step", "finished_at_step", "stop_reason"}}. Steps count forward passes; when
 * the engine has nothing to run before a request's arrival step, the request arrives at once. Each
 * request samples with its own seed, derived from {@code --seed} and its id.
 */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = "Run a JSONL file of requests through the continuous-batching engine.")
final class BatchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CxrLlavaCli.ModelOptions model;

    @Option(names = "--requests", paramLabel = "FILE.jsonl", required = true, description = "one request per line")
    Path requests;

    @CommandLine.Mixin
    CxrLlavaCli.Sampling sampling;

    @Option(names = "--json", description = "print one JSON object per request instead of id and text")
    boolean json;

    @Option(
            names = "--max-slots",
            paramLabel = "N",
            defaultValue = "16",
            description = "sequences decoded together, default ${DEFAULT-VALUE}")
    int maxSlots;

    @Option(
            names = "--prefill-chunk",
            paramLabel = "N",
            defaultValue = "256",
            description = "prompt positions prefilled per step, default ${DEFAULT-VALUE}")
    int prefillChunk;

    /** One parsed request line. */
    private record Line(String id, GenerationRequest request, int maxNewTokens, long arriveAtStep, int priority) {}

    @Override
    public Integer call() throws IOException {
        List<Line> lines = read();
        RequestHandle[] handles = new RequestHandle[lines.size()];
        List<Integer> arrivals = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            arrivals.add(i);
        }
        arrivals.sort(Comparator.comparingLong(i -> lines.get(i).arriveAtStep()));
        EngineConfig config = EngineConfig.defaults().withMaxSlots(maxSlots).withPrefillChunk(prefillChunk);
        try (CxrLlava llava = model.load(config)) {
            Engine engine = llava.engine();
            int next = 0;
            while (next < arrivals.size()
                    || engine.occupancy().running() + engine.occupancy().waiting() > 0) {
                long step = engine.occupancy().step();
                boolean idle = engine.occupancy().running() + engine.occupancy().waiting() == 0;
                long due = idle ? Math.max(step, lines.get(arrivals.get(next)).arriveAtStep()) : step;
                while (next < arrivals.size() && lines.get(arrivals.get(next)).arriveAtStep() <= due) {
                    int i = arrivals.get(next++);
                    Line l = lines.get(i);
                    GenerationOptions options =
                            sampling.options(l.maxNewTokens(), !model.noKvCache).forStudy(l.id());
                    handles[i] = engine.submit(l.request(), options, l.priority(), null);
                }
                engine.step();
            }
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper mapper = new ObjectMapper();
            for (int i = 0; i < lines.size(); i++) {
                Completion c = handles[i].result().join();
                out.println(
                        json
                                ? toJson(mapper, lines.get(i).id(), c)
                                : lines.get(i).id() + "\t" + c.text());
            }
        }
        return 0;
    }

    private List<Line> read() throws IOException {
        if (!Files.isRegularFile(requests)) {
            throw new IllegalArgumentException("requests file not found: " + requests);
        }
        Path base = requests.toAbsolutePath().getParent();
        ObjectMapper mapper = new ObjectMapper();
        List<Line> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int number = 0;
        for (String text : Files.readAllLines(requests)) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            try {
                Line line = parse(mapper.readTree(text), base);
                if (!ids.add(line.id())) {
                    throw new IllegalArgumentException("duplicate id '" + line.id() + "'");
                }
                out.add(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        requests + " line " + number + ": not JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(requests + " line " + number + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(requests + " holds no request");
        }
        return out;
    }

    private static Line parse(JsonNode n, Path base) throws IOException {
        String id = text(n, "id");
        String image = text(n, "image");
        if (id == null || image == null) {
            throw new IllegalArgumentException("every request needs \"id\" and \"image\"");
        }
        String task = text(n, "task");
        String question = text(n, "question");
        if (task != null && question != null) {
            throw new IllegalArgumentException("give \"task\" or \"question\", not both");
        }
        var img = CxrLlavaCli.readImage(base.resolve(image));
        GenerationRequest request = question != null
                ? GenerationRequest.question(img, question)
                : switch (task == null ? "report" : task) {
                    case "report" -> GenerationRequest.report(img);
                    case "differential" -> GenerationRequest.differential(img);
                    default ->
                        throw new IllegalArgumentException(
                                "\"task\" must be report or differential, got '" + task + "'");
                };
        return new Line(
                id,
                request,
                integer(n, "max_new_tokens", 0),
                integer(n, "arrive_at_step", 0),
                integer(n, "priority", 0));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, int fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < 0) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number ≥ 0, got " + v);
        }
        return v.asInt();
    }

    private static String toJson(ObjectMapper mapper, String id, Completion c) throws JsonProcessingException {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", id);
        var ids = o.putArray("generated_ids");
        for (int t : c.generatedIds()) {
            ids.add(t);
        }
        o.put("text", c.text());
        o.put("admitted_at_step", c.admittedAtStep());
        o.put("finished_at_step", c.finishedAtStep());
        o.put("stop_reason", c.stopReason().name().toLowerCase(java.util.Locale.ROOT));
        return mapper.writeValueAsString(o);
    }
}
