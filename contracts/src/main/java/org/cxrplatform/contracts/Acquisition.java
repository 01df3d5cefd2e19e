package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;

/**
 * Facts about the acquisition that the model, the lane rules and the report need.
 *
 * @param modality          (0008,0060) CR, DX or DR
 * @param viewPosition      (0018,5101) PA or AP
 * @param bodyPartExamined  (0018,0015)
 * @param studyDate         (0008,0020)
 * @param studyDescription  (0008,1030)
 * @param sopClassUid       (0008,0016) of the source image
 * @param callingAeTitle    the DICOM peer that sent it (router, modality, PACS)
 * @param institutionName   (0008,0080), used for routing, not identifying a patient
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Acquisition(
        String modality,
        String viewPosition,
        String bodyPartExamined,
        LocalDate studyDate,
        String studyDescription,
        String sopClassUid,
        String callingAeTitle,
        String institutionName) {}
