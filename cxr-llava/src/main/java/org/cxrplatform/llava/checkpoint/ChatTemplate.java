package org.cxrplatform.llava.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cxrplatform.llava.CheckpointException;

/**
 * The {@code chat_template} of {@code tokenizer_config.json}, rendered with Jinja semantics
 * (trim_blocks, lstrip_blocks, {@code raise_exception}) as transformers' apply_chat_template does.
 */
public final class ChatTemplate {

    /** One chat message: role is "system", "user" or "assistant". */
    public record Message(String role, String content) {}

    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    public ChatTemplate(String template, String bosToken, String eosToken) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.jinjava = withOwnClassLoader(() -> {
            Jinjava j = new Jinjava(JinjavaConfig.newBuilder()
                    .withTrimBlocks(true)
                    .withLstripBlocks(true)
                    .build());
            j.getGlobalContext()
                    .registerFunction(new ELFunctionDefinition(
                            "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
            return j;
        });
    }

    public static ChatTemplate read(Path modelDir) {
        Path file = modelDir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no tokenizer_config.json in " + modelDir);
        }
        try {
            JsonNode cfg = new ObjectMapper().readTree(file.toFile());
            String template = cfg.path("chat_template").asText("");
            if (template.isBlank()) {
                throw new CheckpointException("tokenizer_config.json has no chat_template: " + file);
            }
            return new ChatTemplate(
                    template, tokenText(cfg.get("bos_token"), "<s>"), tokenText(cfg.get("eos_token"), "</s>"));
        } catch (IOException e) {
            throw new CheckpointException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    private static String tokenText(JsonNode node, String fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        return node.isObject() ? node.path("content").asText(fallback) : node.asText(fallback);
    }

    /** Jinjava wraps function exceptions without their message; keep it for the error we throw. */
    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    /** Called by the template on malformed chats ({@code raise_exception('...')}); surfaces as a render error. */
    public static String raiseException(String message) {
        RAISED.set(message);
        throw new IllegalArgumentException(message);
    }

    public String render(List<Message> messages) {
        List<Map<String, Object>> msgs = messages.stream()
                .map(m -> Map.<String, Object>of("role", m.role(), "content", m.content()))
                .collect(Collectors.toList());
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", msgs);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        bindings.put("add_generation_prompt", false);
        RAISED.remove();
        RenderResult result = withOwnClassLoader(() -> jinjava.renderForResult(template, bindings));
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) {
            throw new IllegalArgumentException("chat template raised: " + raised);
        }
        List<TemplateError> errors = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .collect(Collectors.toList());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("chat template failed: "
                    + errors.stream().map(TemplateError::getMessage).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    /**
     * Jinjava's EL implementation is found through the thread's context class loader; under
     * application servers (Quarkus) that loader yields a foreign copy and a ClassCastException.
     */
    private static <T> T withOwnClassLoader(java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ChatTemplate.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }
}
