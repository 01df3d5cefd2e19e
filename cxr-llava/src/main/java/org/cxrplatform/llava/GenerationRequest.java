package org.cxrplatform.llava;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One study: an 8-bit greyscale image, the task, the question (for {@link Task#QUESTION}) and the
 * earlier turns of the chat (empty for a first question). The image goes with the first user turn.
 */
public record GenerationRequest(BufferedImage image, Task task, String question, List<Turn> history) {

    public GenerationRequest {
        if (image == null) {
            throw new IllegalArgumentException("no image");
        }
        if (task == null) {
            throw new IllegalArgumentException("no task");
        }
        if (task == Task.QUESTION && (question == null || question.isBlank())) {
            throw new IllegalArgumentException("task QUESTION needs a question");
        }
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static GenerationRequest report(BufferedImage image) {
        return new GenerationRequest(image, Task.REPORT, null, List.of());
    }

    public static GenerationRequest differential(BufferedImage image) {
        return new GenerationRequest(image, Task.DIFFERENTIAL, null, List.of());
    }

    public static GenerationRequest question(BufferedImage image, String question) {
        return new GenerationRequest(image, Task.QUESTION, question, List.of());
    }
}
