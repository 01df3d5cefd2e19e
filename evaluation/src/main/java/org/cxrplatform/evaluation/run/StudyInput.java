package org.cxrplatform.evaluation.run;

import java.nio.file.Path;

/** A labelled study to run: its key in the labels file and its image (relative name for the outputs). */
public record StudyInput(String id, Path image, String imageName) {}
