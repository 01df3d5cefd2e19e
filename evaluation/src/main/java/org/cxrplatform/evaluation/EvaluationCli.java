package org.cxrplatform.evaluation;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar evaluation.jar evaluate ...}. */
@Command(
        name = "evaluation",
        mixinStandardHelpOptions = true,
        version = "cxr-platform evaluation 0.1.0",
        description =
                "Measures CXR-LLaVA on a labelled set of chest X-rays, and the findings extractor on labelled text.",
        subcommands = {EvaluateCommand.class, ExtractorCommand.class, CommandLine.HelpCommand.class})
public final class EvaluationCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        // DJL logs through SLF4J: warnings and errors only, on stderr, unless the user says otherwise.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(new CommandLine(new EvaluationCli()).execute(args));
    }
}
