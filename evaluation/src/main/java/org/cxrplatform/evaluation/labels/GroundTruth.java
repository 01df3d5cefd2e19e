package org.cxrplatform.evaluation.labels;

/** One cell of a CheXpert / MIMIC-CXR-JPG label file: 1, 0, -1 or blank. */
public enum GroundTruth {
    POSITIVE("1"),
    NEGATIVE("0"),
    UNCERTAIN("-1"),
    /** Blank cell: the labeller found no mention of the finding in the report. */
    BLANK("");

    private final String code;

    GroundTruth(String code) {
        this.code = code;
    }

    /** The cell as written in the CSV ("1", "0", "-1", ""). */
    public String code() {
        return code;
    }

    /** Parses a cell; "1.0"/"0.0"/"-1.0" (as pandas writes them) are accepted too. */
    public static GroundTruth parse(String cell) {
        String c = cell == null ? "" : cell.trim();
        return switch (c) {
            case "" -> BLANK;
            case "1", "1.0" -> POSITIVE;
            case "0", "0.0" -> NEGATIVE;
            case "-1", "-1.0" -> UNCERTAIN;
            default -> throw new IllegalArgumentException("label cell must be 1, 0, -1 or blank, not '" + cell + "'");
        };
    }
}
