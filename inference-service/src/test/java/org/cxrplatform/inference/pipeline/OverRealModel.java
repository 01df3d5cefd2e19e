package org.cxrplatform.inference.pipeline;

import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.ModelInfo;

/**
 * Base of the test models that simulate what the tiny CPU model cannot do (a GPU out-of-memory
 * error, a model failure, a scripted report): identity comes from the real model underneath,
 * only {@code generate} differs.
 */
abstract class OverRealModel implements ReportModel {

    protected final ReportModel real;

    OverRealModel(ReportModel real) {
        this.real = real;
    }

    @Override
    public ModelInfo info() {
        return real.info();
    }

    @Override
    public String promptVersion() {
        return real.promptVersion();
    }
}
