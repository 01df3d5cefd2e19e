package org.cxrplatform.llava.generate;

import java.util.ArrayList;
import java.util.List;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.Turn;
import org.cxrplatform.llava.checkpoint.ChatTemplate.Message;

/** The reference's chat: system turn, the image with the first user turn, each user turn + "\n". */
public final class Prompts {

    public static final String SYSTEM = "You are a helpful radiologist. Try to interpret chest x ray image and answer "
            + "to the question that user provides.";
    public static final String REPORT_QUESTION = "Write a radiologic report on the given chest radiograph, including "
            + "information about atelectasis, cardiomegaly, consolidation, pulmonary edema, pleural effusion, and pneumothorax.";
    public static final String DIFFERENTIAL_QUESTION = "What are the possible differential diagnoses for this patient?";

    private Prompts() {}

    public static String question(GenerationRequest request) {
        return switch (request.task()) {
            case REPORT -> REPORT_QUESTION;
            case DIFFERENTIAL -> DIFFERENTIAL_QUESTION;
            case QUESTION -> request.question();
        };
    }

    public static List<Message> chat(GenerationRequest request) {
        List<Message> chat = new ArrayList<>();
        chat.add(new Message("system", SYSTEM));
        boolean first = true;
        for (Turn turn : request.history()) {
            chat.add(new Message("user", userContent(turn.user(), first)));
            chat.add(new Message("assistant", turn.assistant()));
            first = false;
        }
        chat.add(new Message("user", userContent(question(request), first)));
        return chat;
    }

    private static String userContent(String text, boolean withImage) {
        return (withImage ? "<image>\n" : "") + text + "\n";
    }
}
