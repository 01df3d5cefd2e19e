package org.cxrplatform.ingest.support;

import org.cxrplatform.devstack.samples.SampleTranscoder.Syntax;

/** The storescu option that proposes a file's own transfer syntax (so it is sent as encoded, not converted). */
public final class StorescuProposals {

    private StorescuProposals() {}

    public static String of(Syntax syntax) {
        return switch (syntax) {
            case EXPLICIT_LE -> "-xe";
            case IMPLICIT_LE -> "-xi";
            case EXPLICIT_BE -> "-xb";
            case DEFLATE -> "-xd";
            case JPEG_LOSSLESS -> "-xs";
            case JPEG_EXTENDED_12BIT -> "-xx";
            case JPEG_LS -> "-xt";
            case RLE -> "-xr";
            case JPEG2000 -> "-xv";
        };
    }
}
