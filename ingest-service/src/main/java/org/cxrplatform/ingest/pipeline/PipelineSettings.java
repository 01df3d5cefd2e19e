package org.cxrplatform.ingest.pipeline;

/**
 * @param phiInEvents       put patient identity into StudyEvents (off by default: reports match by accession number)
 * @param maxConcurrentDecodes decodes running at once; bounds memory whatever the number of associations
 * @param maxInlineBytes    largest base64 PNG carried inline; larger renders are redone at 512 px
 * @param backlogAeTitle    the AE title our backlog jobs issue C-MOVEs with; instances moved on its behalf go to the routine lane
 */
public record PipelineSettings(boolean phiInEvents, int maxConcurrentDecodes, int maxInlineBytes, String backlogAeTitle) {
}
